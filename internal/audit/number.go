package audit

import (
	"strconv"
	"strings"
)

// MaxNumberExponent bounds the exponent of a JSON number in an entry's
// values: 1e400 is written out in full by the content hash (and by
// PostgreSQL's jsonb), so a bigger exponent is refused rather than expanded.
const MaxNumberExponent = 400

// plainNumber rewrites a JSON number the way PostgreSQL's numeric prints
// it, which is how jsonb stores it: no exponent (1e2 → 100, 1.5E-7 →
// 0.00000015, 1.50e1 → 15.0), the scale kept (2.50 stays 2.50), and no sign
// on zero (-0.0 → 0.0). The content hash covers numbers in this form, so
// that an entry re-read from either database hashes the same
// (docs/api.md "The content hash").
//
// ok is false for a number whose exponent exceeds MaxNumberExponent.
func plainNumber(s string) (out string, ok bool) {
	if !strings.ContainsAny(s, "eE") && !negativeZero(s) {
		return s, true // the common case: already plain
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > MaxNumberExponent || e < -MaxNumberExponent {
			return "", false
		}
		mant, exp = s[:i], e
	}
	intPart, frac := mant, ""
	if j := strings.IndexByte(mant, '.'); j >= 0 {
		intPart, frac = mant[:j], mant[j+1:]
	}
	digits := intPart + frac
	point := len(intPart) + exp // the decimal point's position in digits
	scale := max(0, len(frac)-exp)
	var whole, fraction string
	switch {
	case point <= 0:
		whole, fraction = "0", strings.Repeat("0", -point)+digits
	case point >= len(digits):
		whole, fraction = digits+strings.Repeat("0", point-len(digits)), ""
	default:
		whole, fraction = digits[:point], digits[point:]
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	fraction += strings.Repeat("0", max(0, scale-len(fraction)))
	fraction = fraction[:scale]
	if strings.Trim(whole+fraction, "0") == "" {
		neg = false
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString(whole)
	if scale > 0 {
		b.WriteByte('.')
		b.WriteString(fraction)
	}
	return b.String(), true
}

func negativeZero(s string) bool {
	return strings.HasPrefix(s, "-") && strings.Trim(s[1:], "0.") == ""
}
