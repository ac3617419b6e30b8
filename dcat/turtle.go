package dcat

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// writeTurtle writes the graph as Turtle 1.1 (RDF 1.1 Turtle): the
// prefixes, then one block per subject with ";" between predicates and ","
// between objects.
func writeTurtle(w io.Writer, g *graph) error {
	b := bufio.NewWriter(w)
	for _, p := range prefixes {
		fmt.Fprintf(b, "@prefix %s: <%s> .\n", p.name, p.ns)
	}
	for _, s := range g.order {
		n := g.nodes[s]
		fmt.Fprintf(b, "\n%s", turtleIRI(n.id))
		for i, p := range n.props {
			sep := " ;\n    "
			if i == 0 {
				sep = "\n    "
			}
			verb := turtleIRI(p)
			if p == rdfType {
				verb = "a"
			}
			b.WriteString(sep + verb + " ")
			for j, o := range n.objs[p] {
				if j > 0 {
					b.WriteString(",\n        ")
				}
				b.WriteString(turtleTerm(o))
			}
		}
		b.WriteString(" .\n")
	}
	return b.Flush()
}

func turtleTerm(t term) string {
	if t.isIRI() {
		return turtleIRI(t.iri)
	}
	s := turtleString(t.value)
	switch {
	case t.lang != "":
		return s + "@" + t.lang
	case t.datatype != "":
		return s + "^^" + turtleIRI(t.datatype)
	}
	return s
}

// turtleIRI writes an IRI prefixed where it can, else as <IRIREF>. The IRI
// is clean (see iri), so no character in it needs an escape.
func turtleIRI(s string) string {
	if c := compact(s); c != "" {
		return c
	}
	return "<" + s + ">"
}

// turtleString writes a STRING_LITERAL_QUOTE: the quote, the backslash
// and line ends escaped (ECHAR), other control characters as \uXXXX;
// everything else, Chinese included, as it is (the document is UTF-8).
func turtleString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
