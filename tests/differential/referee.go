// The referee for xray-setup's expression evaluator: HashiCorp's own hcl/v2 and go-cty
// evaluate the same expressions the console does, in the same root module.
//
// Usage: referee DIR < expressions (built by tests/differential.rs with Debian's
// golang-github-hashicorp-hcl-v2-dev and golang-github-zclconf-go-cty-dev: hcl 2.14, cty 1.12)
// DIR's *.tf files declare the variables (`var.NAME`): a default makes a variable
// known, no default makes it unknown of its type (as xray-setup reads a root variable
// without a value). Each line of standard input is one expression; each line of output
// is one JSON object: {"value": <canonical JSON>} or {"error": "<message>"}.
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// The functions Terraform registers straight from cty's stdlib
// (terraform internal/lang/functions.go), plus try and can from hcl's tryfunc.
func functions() map[string]function.Function {
	return map[string]function.Function{
		"abs":             stdlib.AbsoluteFunc,
		"ceil":            stdlib.CeilFunc,
		"chomp":           stdlib.ChompFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"csvdecode":       stdlib.CSVDecodeFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"floor":           stdlib.FloorFunc,
		"format":          stdlib.FormatFunc,
		"formatdate":      stdlib.FormatDateFunc,
		"formatlist":      stdlib.FormatListFunc,
		"indent":          stdlib.IndentFunc,
		"join":            stdlib.JoinFunc,
		"jsondecode":      stdlib.JSONDecodeFunc,
		"jsonencode":      stdlib.JSONEncodeFunc,
		"keys":            stdlib.KeysFunc,
		"log":             stdlib.LogFunc,
		"lower":           stdlib.LowerFunc,
		"max":             stdlib.MaxFunc,
		"merge":           stdlib.MergeFunc,
		"min":             stdlib.MinFunc,
		"parseint":        stdlib.ParseIntFunc,
		"pow":             stdlib.PowFunc,
		"range":           stdlib.RangeFunc,
		"regex":           stdlib.RegexFunc,
		"regexall":        stdlib.RegexAllFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"signum":          stdlib.SignumFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"split":           stdlib.SplitFunc,
		"strrev":          stdlib.ReverseFunc,
		"substr":          stdlib.SubstrFunc,
		"timeadd":         stdlib.TimeAddFunc,
		"title":           stdlib.TitleFunc,
		"trim":            stdlib.TrimFunc,
		"trimprefix":      stdlib.TrimPrefixFunc,
		"trimspace":       stdlib.TrimSpaceFunc,
		"trimsuffix":      stdlib.TrimSuffixFunc,
		"upper":           stdlib.UpperFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,
		"try":             tryfunc.TryFunc,
		"can":             tryfunc.CanFunc,
		"type":            typeFunc,
	}
}

// type(x) as xray-setup's console prints it: typeexpr's one-line type syntax.
var typeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType,
		AllowNull: true, AllowUnknown: true, AllowDynamicType: true,
	}},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(typeexpr.TypeString(args[0].Type())), nil
	},
})

var variableSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "variable", LabelNames: []string{"name"}}},
}

var variableBodySchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "nullable"}},
}

func variables(dir string) (map[string]cty.Value, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	vars := map[string]cty.Value{}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		file, diags := hclsyntax.ParseConfig(src, name, hcl.Pos{Line: 1, Column: 1})
		if diags.HasErrors() {
			return nil, diags
		}
		content, _, diags := file.Body.PartialContent(variableSchema)
		if diags.HasErrors() {
			return nil, diags
		}
		for _, block := range content.Blocks {
			attrs, diags := block.Body.JustAttributes()
			if diags.HasErrors() {
				return nil, diags
			}
			ty := cty.DynamicPseudoType
			var defaults *typeexpr.Defaults
			if t, ok := attrs["type"]; ok {
				ty, defaults, diags = typeexpr.TypeConstraintWithDefaults(t.Expr)
				if diags.HasErrors() {
					return nil, diags
				}
			}
			val := cty.UnknownVal(ty)
			if d, ok := attrs["default"]; ok {
				v, diags := d.Expr.Value(nil)
				if diags.HasErrors() {
					return nil, diags
				}
				if defaults != nil {
					v = defaults.Apply(v)
				}
				v, err = convert.Convert(v, ty)
				if err != nil {
					return nil, fmt.Errorf("variable %s: %s", block.Labels[0], err)
				}
				val = v
			}
			vars[block.Labels[0]] = val
		}
	}
	return vars, nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: referee DIR < expressions")
		os.Exit(2)
	}
	vars, err := variables(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)},
		Functions: functions(),
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		out.WriteString(evaluate(in.Text(), ctx))
		out.WriteByte('\n')
	}
}

func evaluate(line string, ctx *hcl.EvalContext) (result string) {
	defer func() {
		if r := recover(); r != nil {
			result = `{"error":` + quote(fmt.Sprintf("panic: %v", r)) + `}`
		}
	}()
	expr, diags := hclsyntax.ParseExpression([]byte(line), "expr", hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return `{"error":` + quote("parse: "+diags.Error()) + `}`
	}
	val, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return `{"error":` + quote(diags.Error()) + `}`
	}
	var b strings.Builder
	b.WriteString(`{"value":`)
	write(&b, val)
	b.WriteString(`}`)
	return b.String()
}

// write prints a value as canonical JSON: object keys sorted, numbers as cty prints them,
// strings escaped as serde_json does, unknowns (at any depth) as "(known after apply)".
func write(b *strings.Builder, v cty.Value) {
	v, _ = v.UnmarkDeep()
	switch {
	case !v.IsKnown():
		b.WriteString(`"(known after apply)"`)
	case v.IsNull():
		b.WriteString("null")
	case v.Type() == cty.String:
		b.WriteString(quote(v.AsString()))
	case v.Type() == cty.Number:
		f := v.AsBigFloat()
		if f.IsInf() {
			b.WriteString(quote(f.Text('f', -1)))
		} else {
			b.WriteString(f.Text('f', -1))
		}
	case v.Type() == cty.Bool:
		if v.True() {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case v.Type().IsListType() || v.Type().IsSetType() || v.Type().IsTupleType():
		b.WriteByte('[')
		first := true
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !first {
				b.WriteByte(',')
			}
			first = false
			write(b, e)
		}
		b.WriteByte(']')
	case v.Type().IsMapType() || v.Type().IsObjectType():
		m := v.AsValueMap()
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quote(k))
			b.WriteByte(':')
			write(b, m[k])
		}
		b.WriteByte('}')
	default:
		b.WriteString(quote("unsupported type " + v.Type().FriendlyName()))
	}
}

// quote escapes a string as serde_json does.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

