package plan

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// plainMap converts a property map into plain JSON-ready values. Secrets become SecretPlaceholder and
// values unknown before deployment become UnknownPlaceholder; resource references become the referenced
// resource's id (or its URN for components).
func plainMap(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if isInternalKey(string(k)) {
			continue
		}
		out[string(k)] = plainValue(v)
	}
	return out
}

// isInternalKey reports the bookkeeping keys Pulumi adds to inputs, which the program did not pass.
func isInternalKey(k string) bool {
	return k == "__defaults" || k == "__meta"
}

func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsNull():
		return nil
	case v.IsSecret():
		return SecretPlaceholder
	case v.IsComputed():
		return UnknownPlaceholder
	case v.IsOutput():
		o := v.OutputValue()
		switch {
		case o.Secret:
			return SecretPlaceholder
		case !o.Known:
			return UnknownPlaceholder
		}
		return plainValue(o.Element)
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		f := v.NumberValue()
		if f == float64(int64(f)) {
			return int64(f)
		}
		return f
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plainValue(e)
		}
		return out
	case v.IsObject():
		return plainMap(v.ObjectValue())
	case v.IsResourceReference():
		ref := v.ResourceReferenceValue()
		if id, ok := ref.IDString(); ok && id != "" {
			return id
		}
		return string(ref.URN)
	case v.IsAsset():
		a := v.AssetValue()
		return map[string]any{"asset": firstNonEmpty(a.Path, a.URI, a.Hash)}
	case v.IsArchive():
		a := v.ArchiveValue()
		return map[string]any{"archive": firstNonEmpty(a.Path, a.URI, a.Hash)}
	}
	return v.String()
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
