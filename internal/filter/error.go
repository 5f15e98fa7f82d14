package filter

import "fmt"

// Error is a parse or type error in a filter. Pos is the 1-based character
// (not byte) offset of the offending token, so a client can point at it.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("%s at position %d", e.Msg, e.Pos) }

func errorf(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}
