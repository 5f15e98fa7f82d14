package db

// CheckpointsDone is closed when d's checkpointer has stopped (SQLite).
func CheckpointsDone(d *DB) <-chan struct{} { return d.checkpointsDone }
