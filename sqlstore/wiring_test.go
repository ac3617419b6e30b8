package sqlstore_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestServicesWiredThroughConstructors keeps the store's wiring readable
// (STYLE: "each service shows what it needs"): no service holds another
// service — a collaborator is a narrow interface declared beside its user
// — and a service is made only by its own New… function, so that one look
// at a constructor tells everything a service depends on and no service
// can read another's fields.
func TestServicesWiredThroughConstructors(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var parsed []*ast.File
	services := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok && strings.HasSuffix(ts.Name.Name, "Service") {
				if _, ok := ts.Type.(*ast.StructType); ok {
					services[ts.Name.Name] = true
				}
			}
			return true
		})
	}
	serviceType := func(e ast.Expr) string {
		if s, ok := e.(*ast.StarExpr); ok {
			e = s.X
		}
		if id, ok := e.(*ast.Ident); ok && services[id.Name] {
			return id.Name
		}
		return ""
	}
	for _, f := range parsed {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok || !services[ts.Name.Name] {
						continue
					}
					for _, field := range ts.Type.(*ast.StructType).Fields.List {
						if other := serviceType(field.Type); other != "" {
							t.Errorf("%s: %s holds a %s: pass what it needs as a narrow interface", fset.Position(field.Pos()), ts.Name.Name, other)
						}
					}
				}
			case *ast.FuncDecl:
				ast.Inspect(d, func(n ast.Node) bool {
					lit, ok := n.(*ast.CompositeLit)
					if !ok {
						return true
					}
					if made := serviceType(lit.Type); made != "" && d.Name.Name != "New"+made {
						t.Errorf("%s: %s makes a %s: only New%s does", fset.Position(lit.Pos()), d.Name.Name, made, made)
					}
					return true
				})
			}
		}
	}
	if len(services) < 20 {
		t.Errorf("found %d services; the check reads the wrong folder", len(services))
	}
}
