package asgardeotest

import (
	"sync"
	"time"
)

// Clock is the fake's notion of now. Token and code expiry follow it, so a
// test can expire a token by advancing the clock instead of sleeping. It is
// safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
	set bool // false: follow the wall clock, shifted by offset
	off time.Duration
}

// NewClock returns a clock that starts at start and then follows the wall
// clock. [Clock.Advance] moves it forward; [Clock.Set] freezes it.
func NewClock(start time.Time) *Clock {
	return &Clock{off: time.Until(start)}
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set {
		return c.now
	}
	return time.Now().Add(c.off)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set {
		c.now = c.now.Add(d)
		return
	}
	c.off += d
}

// Set freezes the clock at t; it stays there until Set or Advance.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now, c.set = t, true
}
