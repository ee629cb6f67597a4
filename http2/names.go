package http2

// commonName returns a field name as a string, without allocating for the
// names requests and responses carry most often.
func commonName(b []byte) string {
	switch string(b) { // the compiler does not allocate for this switch
	case "accept":
		return "accept"
	case "accept-encoding":
		return "accept-encoding"
	case "accept-language":
		return "accept-language"
	case "cache-control":
		return "cache-control"
	case "content-length":
		return "content-length"
	case "content-type":
		return "content-type"
	case "cookie":
		return "cookie"
	case "date":
		return "date"
	case "etag":
		return "etag"
	case "if-modified-since":
		return "if-modified-since"
	case "if-none-match":
		return "if-none-match"
	case "last-modified":
		return "last-modified"
	case "location":
		return "location"
	case "priority":
		return "priority"
	case "referer":
		return "referer"
	case "server":
		return "server"
	case "set-cookie":
		return "set-cookie"
	case "user-agent":
		return "user-agent"
	case "vary":
		return "vary"
	}
	return string(b)
}
