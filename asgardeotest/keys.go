package asgardeotest

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// DefaultKeyGracePeriod is how long a signing key replaced by
// [Server.RotateKeys] stays in the JWKS, so that tokens it signed still
// verify, unless [WithKeyGracePeriod] says otherwise.
const DefaultKeyGracePeriod = time.Hour

// WithKeyGracePeriod sets how long, on the fake's clock, a key replaced by
// [Server.RotateKeys] is still published in the JWKS.
func WithKeyGracePeriod(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("asgardeotest: negative key grace period")
		}
		c.keyGrace = d
		return nil
	}
}

// keyGenerations counts RSA key generations, so that tests can tell that
// starting a server generates none.
var keyGenerations atomic.Int64

// generateKey makes a fresh 2048-bit RSA key. It is slow (tens of
// milliseconds, more under the race detector), which is why servers share
// one process-wide key and generate others only on demand.
func generateKey() (*rsa.PrivateKey, error) {
	keyGenerations.Add(1)
	return rsa.GenerateKey(rand.Reader, 2048)
}

// processKey is the key every server signs with until it rotates: generated
// once per process, on first use.
var processKey struct {
	once sync.Once
	key  *rsa.PrivateKey
	err  error
}

func sharedKey() (*rsa.PrivateKey, error) {
	processKey.once.Do(func() { processKey.key, processKey.err = generateKey() })
	return processKey.key, processKey.err
}

// signingKey is one key of a server's key set. Its key ID is fixed when it
// is added; the key material is made on first use.
type signingKey struct {
	kid  string
	load func() (*rsa.PrivateKey, error)

	once sync.Once
	priv *rsa.PrivateKey
	err  error

	signers sync.Map // JWT "typ" header → jose.Signer, built once per key and type

	retireAt time.Time // zero while published without end; guarded by keySet.mu
}

// signer returns the key's RS256 signer for tokens of type typ. Signers are
// safe for concurrent use, so one per key and type serves every request.
func (k *signingKey) signer(typ string) (jose.Signer, error) {
	if v, ok := k.signers.Load(typ); ok {
		return v.(jose.Signer), nil
	}
	priv, err := k.private()
	if err != nil {
		return nil, err
	}
	sg, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: k.kid, Algorithm: string(jose.RS256), Use: "sig"}},
		(&jose.SignerOptions{}).WithType(jose.ContentType(typ)),
	)
	if err != nil {
		return nil, err
	}
	v, _ := k.signers.LoadOrStore(typ, sg)
	return v.(jose.Signer), nil
}

func (k *signingKey) private() (*rsa.PrivateKey, error) {
	k.once.Do(func() { k.priv, k.err = k.load() })
	return k.priv, k.err
}

// keySet is a server's signing keys, oldest first; the last one signs.
type keySet struct {
	grace time.Duration

	mu   sync.Mutex
	keys []*signingKey
}

// newKeySet returns a set holding the process-wide key, not yet generated:
// starting a server costs no key generation.
func newKeySet(grace time.Duration) *keySet {
	return &keySet{grace: grace, keys: []*signingKey{{kid: randomString(12), load: sharedKey}}}
}

// current returns the key new tokens are signed with.
func (ks *keySet) current() *signingKey {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	return ks.keys[len(ks.keys)-1]
}

// rotate adds a new current key, generated when first used, and retires the
// keys before it once the grace period has passed after now.
func (ks *keySet) rotate(now time.Time) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	for _, k := range ks.keys {
		if k.retireAt.IsZero() {
			k.retireAt = now.Add(ks.grace)
		}
	}
	ks.keys = append(ks.keys, &signingKey{kid: randomString(12), load: generateKey})
}

// published returns the keys the JWKS lists at now, dropping retired ones
// for good.
func (ks *keySet) published(now time.Time) []*signingKey {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	kept := ks.keys[:0]
	for _, k := range ks.keys {
		if k.retireAt.IsZero() || now.Before(k.retireAt) {
			kept = append(kept, k)
		}
	}
	ks.keys = kept
	return append([]*signingKey(nil), kept...)
}

// RotateKeys replaces the key the server signs JWT access tokens and ID
// tokens with. The old key stays in the JWKS for the grace period
// ([WithKeyGracePeriod], default [DefaultKeyGracePeriod]) on the server's
// clock, then disappears, and tokens it signed no longer verify.
func (s *Server) RotateKeys() {
	s.oidc.keys.rotate(s.clock.Now())
}
