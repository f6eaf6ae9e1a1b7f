package asgardeotest

import (
	"errors"
	"fmt"
	"strings"
)

// filterTerm is one "attribute operator value" comparison of a filter.
type filterTerm struct {
	attr  string // canonical attribute name
	op    string // lower-case operator
	value string
}

// errFilterOr reports a filter that joins expressions with "or", which the
// API resource and role filters do not support.
var errFilterOr = errors.New("the 'or' operator is not supported")

// filterToken is one word of a filter; quoted tells a quoted value from a
// keyword ("and" in quotes is a value).
type filterToken struct {
	text   string
	quoted bool
}

// tokenizeFilter splits a filter into words. A value may be a bare word or a
// double-quoted string in which \" and \\ stand for themselves.
func tokenizeFilter(s string) ([]filterToken, error) {
	var out []filterToken
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '"':
			var b strings.Builder
			i++
			closed := false
			for i < len(s) {
				if s[i] == '\\' && i+1 < len(s) {
					b.WriteByte(s[i+1])
					i += 2
					continue
				}
				if s[i] == '"' {
					closed = true
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, errors.New("unterminated quoted value")
			}
			out = append(out, filterToken{text: b.String(), quoted: true})
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '\t' {
				j++
			}
			out = append(out, filterToken{text: s[i:j]})
			i = j
		}
	}
	return out, nil
}

// parseFilter parses "attr op value [and attr op value]...". attrs maps the
// lower-case attribute names accepted to their canonical form; ops holds the
// accepted operators. Attribute names and operators are case-insensitive.
func parseFilter(s string, attrs map[string]string, ops map[string]bool) ([]filterTerm, error) {
	toks, err := tokenizeFilter(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, errors.New("empty filter")
	}
	var terms []filterTerm
	for i := 0; ; {
		if i+3 > len(toks) {
			return nil, errors.New("incomplete filter expression")
		}
		a, op, v := toks[i], toks[i+1], toks[i+2]
		if a.quoted || op.quoted {
			return nil, errors.New("invalid filter expression")
		}
		attr, ok := attrs[strings.ToLower(a.text)]
		if !ok {
			return nil, fmt.Errorf("filtering based on attribute: %s is not supported", a.text)
		}
		if !ops[strings.ToLower(op.text)] {
			return nil, fmt.Errorf("filter operator %q is not supported", op.text)
		}
		terms = append(terms, filterTerm{attr: attr, op: strings.ToLower(op.text), value: v.text})
		i += 3
		if i == len(toks) {
			return terms, nil
		}
		switch kw := toks[i]; {
		case !kw.quoted && strings.EqualFold(kw.text, "and"):
			i++
		case !kw.quoted && strings.EqualFold(kw.text, "or"):
			return nil, errFilterOr
		default:
			return nil, fmt.Errorf("unexpected %q in filter", kw.text)
		}
	}
}

// match applies the term to v. With fold, comparisons ignore case.
func (t filterTerm) match(v string, fold bool) bool {
	want := t.value
	if fold {
		v, want = strings.ToLower(v), strings.ToLower(want)
	}
	switch t.op {
	case "eq":
		return v == want
	case "ne":
		return v != want
	case "co":
		return strings.Contains(v, want)
	case "sw":
		return strings.HasPrefix(v, want)
	case "ew":
		return strings.HasSuffix(v, want)
	case "ge":
		return v >= want
	case "le":
		return v <= want
	case "gt":
		return v > want
	case "lt":
		return v < want
	}
	return false
}
