package graph

import (
	"encoding/base64"
	"encoding/binary"
	"time"

	"github.com/trailmark/trailmark/ent"
)

// appendCursor appends c as entgql's Cursor.MarshalGQL writes it: the
// msgpack encoding of {"i": id, "v": value} (v left out when nil), in
// unpadded standard base64, quoted. MarshalGQL builds a msgpack encoder and
// a base64 encoder per cursor: on a keyset page of 25 that was 12% of the
// server's CPU after the fast path (docs/performance.md). ok is false for a
// value type other than the order fields' (time, string); the caller then
// uses MarshalGQL. TestAppendCursor compares the two.
func appendCursor(b []byte, c *ent.Cursor) ([]byte, bool) {
	var raw [96]byte
	m := raw[:0]
	// The value is omitempty: msgpack leaves out nil, "" and the zero time.
	empty := false
	switch v := c.Value.(type) {
	case nil:
		empty = true
	case time.Time:
		empty = v.IsZero()
	case string:
		empty = v == ""
	default:
		return b, false
	}
	if empty {
		m = append(m, 0x81) // fixmap of 1
	} else {
		m = append(m, 0x82) // fixmap of 2
	}
	m = append(m, 0xa1, 'i')
	m = appendMsgpackString(m, c.ID)
	if !empty {
		m = append(m, 0xa1, 'v')
		switch v := c.Value.(type) {
		case time.Time:
			m = appendMsgpackTime(m, v)
		case string:
			m = appendMsgpackString(m, v)
		}
	}
	b = append(b, '"')
	b = base64.RawStdEncoding.AppendEncode(b, m)
	return append(b, '"'), true
}

// appendMsgpackString is msgpack's str format family.
func appendMsgpackString(m []byte, s string) []byte {
	switch n := len(s); {
	case n < 32:
		m = append(m, 0xa0|byte(n))
	case n < 256:
		m = append(m, 0xd9, byte(n))
	case n <= 0xffff:
		m = binary.BigEndian.AppendUint16(append(m, 0xda), uint16(n))
	default:
		m = binary.BigEndian.AppendUint32(append(m, 0xdb), uint32(n))
	}
	return append(m, s...)
}

// appendMsgpackTime is msgpack's timestamp extension (type -1) in the
// 32-, 64- or 96-bit form vmihailenco/msgpack picks.
func appendMsgpackTime(m []byte, t time.Time) []byte {
	secs := uint64(t.Unix())
	if secs>>34 == 0 {
		data := uint64(t.Nanosecond())<<34 | secs
		if data&0xffffffff00000000 == 0 {
			return binary.BigEndian.AppendUint32(append(m, 0xd6, 0xff), uint32(data))
		}
		return binary.BigEndian.AppendUint64(append(m, 0xd7, 0xff), data)
	}
	m = binary.BigEndian.AppendUint32(append(m, 0xc7, 12, 0xff), uint32(t.Nanosecond()))
	return binary.BigEndian.AppendUint64(m, secs)
}
