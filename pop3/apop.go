package pop3

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
)

// APOPDigest returns the APOP digest of RFC 1939 section 7: the lower-case
// hex MD5 of the greeting's timestamp (angle brackets included) followed by
// the shared secret.
func APOPDigest(timestamp, secret string) string {
	sum := md5.Sum([]byte(timestamp + secret))
	return hex.EncodeToString(sum[:])
}

// CheckAPOP reports, in constant time, whether digest is the APOP digest of
// timestamp and secret.
func CheckAPOP(timestamp, secret, digest string) bool {
	want := APOPDigest(timestamp, secret)
	return subtle.ConstantTimeCompare([]byte(want), []byte(digest)) == 1
}
