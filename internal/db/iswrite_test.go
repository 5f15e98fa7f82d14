package db

import "testing"

func TestIsWrite(t *testing.T) {
	for q, want := range map[string]bool{
		"INSERT INTO t VALUES (1)":                           true,
		"  insert into t values (1) returning id":            true,
		"UPDATE t SET x = 1":                                 true,
		"DELETE FROM t":                                      true,
		"REPLACE INTO t VALUES (1)":                          true,
		"WITH c AS (SELECT 1) INSERT INTO t SELECT * FROM c": true,
		"SELECT * FROM t":                                    false,
		"(SELECT 1) UNION (SELECT 2)":                        false,
		"WITH c AS (SELECT 1) SELECT * FROM c":               false,
		"PRAGMA foreign_keys":                                false,
		"":                                                   false,
	} {
		if got := isWrite(q); got != want {
			t.Errorf("isWrite(%q) = %v, want %v", q, got, want)
		}
	}
}
