package http

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
	"github.com/govdata/govdata"
)

var (
	openAPIOnce sync.Once
	openAPIDoc  *openapi3.T
	openAPIErr  error
)

// OpenAPI builds the OpenAPI 3 document from the route table, so the
// document and the router cannot disagree (PRODUCT.md §4).
func (s *Server) OpenAPI() (*openapi3.T, error) {
	openAPIOnce.Do(func() { openAPIDoc, openAPIErr = buildOpenAPI(s.routes) })
	return openAPIDoc, openAPIErr
}

// schemaOptions describe the types that marshal themselves: a govdata.Date
// is a "YYYY-MM-DD" string on the wire.
var schemaOptions = []openapi3gen.Option{openapi3gen.SchemaCustomizer(
	func(_ string, t reflect.Type, _ reflect.StructTag, schema *openapi3.Schema) error {
		switch t {
		case reflect.TypeOf(govdata.Date{}):
			*schema = *openapi3.NewStringSchema().WithFormat("date")
		// Roles and permissions are closed sets: as enums, a client's
		// generated types name each one, and a renamed one breaks the
		// console's type check rather than its menu.
		case reflect.TypeOf(govdata.Role("")):
			*schema = *openapi3.NewStringSchema().WithEnum(enumOf(govdata.Roles)...)
		case reflect.TypeOf(govdata.Permission("")):
			*schema = *openapi3.NewStringSchema().WithEnum(enumOf(govdata.AllPermissions())...)
		}
		return nil
	})}

// enumOf lists string-kinded values for an enum schema.
func enumOf[T ~string](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func buildOpenAPI(routes []route) (*openapi3.T, error) {
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{Title: "govdata API", Version: govdata.Version,
			Description: "政务数据资源目录、归集、共享、开放与安全管理平台 — government data resource platform. " +
				"Errors: {\"error\": {\"code\", \"message\", \"fields\"}}; lists: ?limit= (default 20, max 500) and ?cursor=, answered as {\"items\", \"next_cursor\"}."},
		Paths: openapi3.NewPaths(),
		Components: &openapi3.Components{
			Schemas: openapi3.Schemas{},
			SecuritySchemes: openapi3.SecuritySchemes{
				"bearer": &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().WithType("http").WithScheme("bearer")},
				"signed": &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().WithType("apiKey").WithIn("header").WithName("X-App-Key").
					WithDescription("Signed system-credential call: X-App-Key, X-Timestamp, X-Nonce, X-Signature (see docs/api.md).")},
				// OPN-2: a public account's portal session (bearer gdp_… or the
				// govdata_public cookie), and an open-data API key.
				"publicSession": &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().WithType("http").WithScheme("bearer").
					WithDescription("A public account's session token (gdp_…), from POST /api/v1/public/auth/login; or the govdata_public cookie with X-CSRF-Token.")},
				"apiKey": &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().WithType("apiKey").WithIn("header").WithName("X-API-Key").
					WithDescription("An open-data API key (gdk_…) of a public account; also accepted as a bearer token.")},
			},
		},
	}
	errSchema, err := openapi3gen.NewSchemaRefForValue(errorBody{}, doc.Components.Schemas, schemaOptions...)
	if err != nil {
		return nil, fmt.Errorf("openapi: error schema: %w", err)
	}
	for _, rt := range routes {
		op := openapi3.NewOperation()
		op.Summary = rt.summary
		op.OperationID = rt.method + " " + rt.path
		if rt.perm != "" {
			op.Description = "Permission: " + string(rt.perm)
		}
		switch rt.auth {
		case authUser:
			op.Security = &openapi3.SecurityRequirements{{"bearer": {}}}
		case authSigned:
			op.Security = &openapi3.SecurityRequirements{{"signed": {}}}
		case authPublic:
			op.Security = &openapi3.SecurityRequirements{{"publicSession": {}}}
		case authOpen:
			// Anyone; a session or key, when sent, names the caller.
			op.Security = &openapi3.SecurityRequirements{{}, {"publicSession": {}}, {"apiKey": {}}}
		}
		for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
			p := openapi3.NewPathParameter(m[1]).WithRequired(true)
			p.Schema = openapi3.NewStringSchema().NewRef()
			op.AddParameter(p)
		}
		for _, q := range rt.query {
			p := openapi3.NewQueryParameter(q)
			p.Schema = openapi3.NewStringSchema().NewRef()
			op.AddParameter(p)
		}
		if rt.request != nil {
			ref, err := openapi3gen.NewSchemaRefForValue(rt.request, doc.Components.Schemas, schemaOptions...)
			if err != nil {
				return nil, fmt.Errorf("openapi: %s request: %w", rt.pattern(), err)
			}
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(ref)}
		}
		status := rt.status
		if status == 0 {
			status = http.StatusOK
		}
		ok := openapi3.NewResponse().WithDescription(http.StatusText(status))
		if rt.response != nil {
			ref, err := openapi3gen.NewSchemaRefForValue(rt.response, doc.Components.Schemas, schemaOptions...)
			if err != nil {
				return nil, fmt.Errorf("openapi: %s response: %w", rt.pattern(), err)
			}
			ok = ok.WithJSONSchemaRef(ref)
		}
		op.Responses = openapi3.NewResponses()
		op.Responses.Set(strconv.Itoa(status), &openapi3.ResponseRef{Value: ok})
		op.Responses.Set("default", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("Error envelope").WithJSONSchemaRef(errSchema)})
		doc.AddOperation(rt.path, rt.method, op)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: invalid document: %w", err)
	}
	return doc, nil
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.OpenAPI()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, doc)
	return nil
}
