package audit

import "testing"

// The expected forms are what PostgreSQL 15 prints for '[…]'::jsonb.
func TestPlainNumber(t *testing.T) {
	for in, want := range map[string]string{
		"1e2": "100", "1.5E-7": "0.00000015", "-0.0": "0.0", "-0": "0", "1.50e1": "15.0", "0.00e5": "0",
		"1E+2": "100", "123.456e-2": "1.23456", "-1.5e3": "-1500", "2.50": "2.50", "1e-2": "0.01", "12e-1": "1.2",
		"0": "0", "-12.5": "-12.5", "12345678901234567890": "12345678901234567890", "-0e3": "0", "5e0": "5",
		"1.23e400": "123" + zeros(398), "-0.000": "0.000",
	} {
		got, ok := plainNumber(in)
		if !ok || got != want {
			t.Errorf("plainNumber(%s) = %s, %v; want %s", in, got, ok, want)
		}
	}
	for _, in := range []string{"1e401", "1e-401", "1e99999999999999999999"} {
		if _, ok := plainNumber(in); ok {
			t.Errorf("plainNumber(%s) accepted", in)
		}
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}
