package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"

	"github.com/lib/pq"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// IsUnavailable reports whether err means the database could not do the work
// in time or at all — it did not answer before the deadline, refused or lost
// the connection, hit its statement timeout, is shutting down or out of
// connections, or stayed locked — rather than that the request was wrong.
// Such a failure is the server's, and answered 503 UNAVAILABLE: never as a
// bad credential or an internal error.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	if pe, ok := errors.AsType[*pq.Error](err); ok {
		switch {
		case pe.Code.Class() == "08": // connection exception
			return true
		case pe.Code == "57014", // query_canceled: statement_timeout or a cancel
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // shutting down, cannot connect now
			pe.Code == "53300", // too_many_connections
			pe.Code == "55P03": // lock_not_available
			return true
		}
		return false
	}
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_INTERRUPT:
			return true
		}
		return false
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne != nil {
		return true
	}
	if _, ok := errors.AsType[*net.OpError](err); ok {
		return true
	}
	return false
}
