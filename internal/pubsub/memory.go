package pubsub

import "context"

// Memory is the in-process Broker: a single server (SQLite) or tests.
type Memory struct{ reg *registry }

// NewMemory returns a Memory broker; buffer is each subscription's capacity
// (0: DefaultBuffer).
func NewMemory(buffer int) *Memory { return &Memory{reg: newRegistry(buffer)} }

// Publish delivers payload to the topic's subscribers without blocking.
func (b *Memory) Publish(_ context.Context, topic string, payload []byte) error {
	if len(payload) > MaxPayload {
		return ErrPayloadTooLarge
	}
	if b.reg.isClosed() {
		return ErrClosed
	}
	b.reg.publish(Message{Topic: topic, Payload: append([]byte(nil), payload...)})
	return nil
}

// Subscribe implements Broker.
func (b *Memory) Subscribe(topics ...string) *Subscription {
	s, _ := b.reg.add(topics)
	return s
}

// Close implements Broker.
func (b *Memory) Close() error {
	b.reg.close()
	return nil
}
