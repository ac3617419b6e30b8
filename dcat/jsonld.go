package dcat

import (
	"encoding/json"
	"io"
)

// writeJSONLD writes the graph as a JSON-LD 1.1 document: an inline
// @context of the prefixes (nothing to fetch), and a @graph of node
// objects with compact keys. Every value is in its explicit form —
// {"@id"}, {"@value", "@language"} or {"@value", "@type"} — so a reader
// needs no term definitions beyond the prefixes.
func writeJSONLD(w io.Writer, g *graph) error {
	ctx := map[string]string{}
	for _, p := range prefixes {
		ctx[p.name] = p.ns
	}
	nodes := make([]map[string]any, 0, len(g.order))
	for _, s := range g.order {
		n := g.nodes[s]
		obj := map[string]any{"@id": n.id}
		for _, p := range n.props {
			if p == rdfType {
				types := make([]string, len(n.objs[p]))
				for i, o := range n.objs[p] {
					types[i] = jsonldName(o.iri)
				}
				obj["@type"] = types
				continue
			}
			vals := make([]map[string]string, len(n.objs[p]))
			for i, o := range n.objs[p] {
				vals[i] = jsonldValue(o)
			}
			obj[jsonldName(p)] = vals
		}
		nodes = append(nodes, obj)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"@context": ctx, "@graph": nodes})
}

// jsonldName is a predicate or type as a key: compact where it can be.
func jsonldName(iri string) string {
	if c := compact(iri); c != "" {
		return c
	}
	return iri
}

func jsonldValue(t term) map[string]string {
	switch {
	case t.isIRI():
		return map[string]string{"@id": t.iri}
	case t.lang != "":
		return map[string]string{"@value": t.value, "@language": t.lang}
	case t.datatype != "":
		return map[string]string{"@value": t.value, "@type": jsonldName(t.datatype)}
	}
	return map[string]string{"@value": t.value}
}
