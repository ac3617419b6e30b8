package dcat

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The feeds are written from one small graph model, so that the Turtle
// and the JSON-LD of a page say the same triples. There are no blank nodes:
// every node has an IRI, so pages merge cleanly in a harvester's store.

// Namespaces, with the prefixes both serializations declare.
const (
	nsRDF   = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsRDFS  = "http://www.w3.org/2000/01/rdf-schema#"
	nsXSD   = "http://www.w3.org/2001/XMLSchema#"
	nsDCAT  = "http://www.w3.org/ns/dcat#"
	nsDCT   = "http://purl.org/dc/terms/"
	nsFOAF  = "http://xmlns.com/foaf/0.1/"
	nsSKOS  = "http://www.w3.org/2004/02/skos/core#"
	nsHydra = "http://www.w3.org/ns/hydra/core#"
	nsOWL   = "http://www.w3.org/2002/07/owl#"
)

// prefixes in the order they are written.
var prefixes = []struct{ name, ns string }{
	{"dcat", nsDCAT}, {"dct", nsDCT}, {"foaf", nsFOAF}, {"skos", nsSKOS},
	{"hydra", nsHydra}, {"owl", nsOWL}, {"rdf", nsRDF}, {"rdfs", nsRDFS}, {"xsd", nsXSD},
}

const rdfType = nsRDF + "type"

// term is an RDF object: an IRI, or a literal with a language tag or a
// datatype (a plain literal has neither: xsd:string).
type term struct {
	iri      string
	value    string
	lang     string
	datatype string
}

func (t term) isIRI() bool { return t.iri != "" }

// iri makes an IRI term. Characters an IRI may not hold (space, <>"{}|^`\
// and controls) are percent-encoded once here, so both serializations
// carry the same IRI; non-ASCII letters are allowed in IRIs and stay.
func iri(s string) term { return term{iri: cleanIRI(s)} }

func cleanIRI(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c == 0x7f || strings.IndexByte(`<>"{}|^`+"`"+`\`, c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// text is a literal in a language.
func text(s, lang string) term { return term{value: validText(s), lang: lang} }

// typed is a literal of a datatype.
func typed(s, datatype string) term { return term{value: validText(s), datatype: datatype} }

// plain is a literal string without a language (codes, identifiers).
func plain(s string) term { return term{value: validText(s)} }

func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// graph is a set of nodes, each with its properties in the order added.
type graph struct {
	order []string
	nodes map[string]*rdfNode
}

type rdfNode struct {
	id    string
	props []string // predicates in order
	objs  map[string][]term
}

func newGraph() *graph { return &graph{nodes: map[string]*rdfNode{}} }

// add states the triple s p o once.
func (g *graph) add(s, p string, o term) {
	s = cleanIRI(s)
	n := g.nodes[s]
	if n == nil {
		n = &rdfNode{id: s, objs: map[string][]term{}}
		g.nodes[s] = n
		g.order = append(g.order, s)
	}
	if _, ok := n.objs[p]; !ok {
		n.props = append(n.props, p)
	}
	for _, old := range n.objs[p] {
		if old == o {
			return
		}
	}
	n.objs[p] = append(n.objs[p], o)
}

// addText states a text in Chinese (the catalog's language), if there is one.
func (g *graph) addText(s, p, value string) {
	if strings.TrimSpace(value) != "" {
		g.add(s, p, text(value, "zh"))
	}
}

// compact writes an IRI as prefix:local when a declared namespace holds it
// and the local part is a simple name; "" otherwise.
func compact(iri string) string {
	for _, p := range prefixes {
		local, ok := strings.CutPrefix(iri, p.ns)
		if ok && simpleLocal(local) {
			return p.name + ":" + local
		}
	}
	return ""
}

// simpleLocal: a letter, then letters, digits, "_" or "-" — a subset of
// Turtle's PN_LOCAL that needs no escapes.
func simpleLocal(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '_' || c == '-')) {
			return false
		}
	}
	return true
}
