package store

import (
	"encoding/json"
	"math"
	"reflect"

	"chorus/fault"
)

// Scalar normalises a condition value to the types a JSON document can hold
// and every adapter compares alike: string, bool, int64 or float64. Other
// types, NaN and infinities are fault.Invalid.
func Scalar(v any) (any, error) {
	bad := fault.Errorf(fault.Invalid, "unsupported value %v (%T)", v, v)
	switch x := v.(type) {
	case string, bool:
		return x, nil
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		if f, err := x.Float64(); err == nil && !math.IsInf(f, 0) {
			return f, nil
		}
		return nil, bad
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if rv.Uint() > math.MaxInt64 {
			return nil, bad
		}
		return int64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, bad
		}
		return f, nil
	}
	return nil, bad
}
