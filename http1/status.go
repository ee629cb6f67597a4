package http1

// Status is a response status code (RFC 9110, section 15): three digits,
// whose first digit is the class.
type Status int

// Status codes (RFC 9110, section 15, unless noted).
const (
	StatusContinue           Status = 100 // 15.2.1
	StatusSwitchingProtocols Status = 101 // 15.2.2

	StatusOK                   Status = 200 // 15.3.1
	StatusCreated              Status = 201 // 15.3.2
	StatusAccepted             Status = 202 // 15.3.3
	StatusNonAuthoritativeInfo Status = 203 // 15.3.4
	StatusNoContent            Status = 204 // 15.3.5
	StatusResetContent         Status = 205 // 15.3.6
	StatusPartialContent       Status = 206 // 15.3.7

	StatusMultipleChoices   Status = 300 // 15.4.1
	StatusMovedPermanently  Status = 301 // 15.4.2
	StatusFound             Status = 302 // 15.4.3
	StatusSeeOther          Status = 303 // 15.4.4
	StatusNotModified       Status = 304 // 15.4.5
	StatusUseProxy          Status = 305 // 15.4.6
	StatusTemporaryRedirect Status = 307 // 15.4.8
	StatusPermanentRedirect Status = 308 // 15.4.9

	StatusBadRequest                  Status = 400 // 15.5.1
	StatusUnauthorized                Status = 401 // 15.5.2
	StatusPaymentRequired             Status = 402 // 15.5.3
	StatusForbidden                   Status = 403 // 15.5.4
	StatusNotFound                    Status = 404 // 15.5.5
	StatusMethodNotAllowed            Status = 405 // 15.5.6
	StatusNotAcceptable               Status = 406 // 15.5.7
	StatusProxyAuthRequired           Status = 407 // 15.5.8
	StatusRequestTimeout              Status = 408 // 15.5.9
	StatusConflict                    Status = 409 // 15.5.10
	StatusGone                        Status = 410 // 15.5.11
	StatusLengthRequired              Status = 411 // 15.5.12
	StatusPreconditionFailed          Status = 412 // 15.5.13
	StatusContentTooLarge             Status = 413 // 15.5.14
	StatusURITooLong                  Status = 414 // 15.5.15
	StatusUnsupportedMediaType        Status = 415 // 15.5.16
	StatusRangeNotSatisfiable         Status = 416 // 15.5.17
	StatusExpectationFailed           Status = 417 // 15.5.18
	StatusMisdirectedRequest          Status = 421 // 15.5.20
	StatusUnprocessableContent        Status = 422 // 15.5.21
	StatusUpgradeRequired             Status = 426 // 15.5.22
	StatusPreconditionRequired        Status = 428 // RFC 6585, 3
	StatusTooManyRequests             Status = 429 // RFC 6585, 4
	StatusRequestHeaderFieldsTooLarge Status = 431 // RFC 6585, 5

	StatusInternalServerError     Status = 500 // 15.6.1
	StatusNotImplemented          Status = 501 // 15.6.2
	StatusBadGateway              Status = 502 // 15.6.3
	StatusServiceUnavailable      Status = 503 // 15.6.4
	StatusGatewayTimeout          Status = 504 // 15.6.5
	StatusHTTPVersionNotSupported Status = 505 // 15.6.6
)

// Reason returns the standard reason phrase, or "" for an unknown code.
func (s Status) Reason() string {
	switch s {
	case 100:
		return "Continue"
	case 101:
		return "Switching Protocols"
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 202:
		return "Accepted"
	case 203:
		return "Non-Authoritative Information"
	case 204:
		return "No Content"
	case 205:
		return "Reset Content"
	case 206:
		return "Partial Content"
	case 300:
		return "Multiple Choices"
	case 301:
		return "Moved Permanently"
	case 302:
		return "Found"
	case 303:
		return "See Other"
	case 304:
		return "Not Modified"
	case 305:
		return "Use Proxy"
	case 307:
		return "Temporary Redirect"
	case 308:
		return "Permanent Redirect"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 402:
		return "Payment Required"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 406:
		return "Not Acceptable"
	case 407:
		return "Proxy Authentication Required"
	case 408:
		return "Request Timeout"
	case 409:
		return "Conflict"
	case 410:
		return "Gone"
	case 411:
		return "Length Required"
	case 412:
		return "Precondition Failed"
	case 413:
		return "Content Too Large"
	case 414:
		return "URI Too Long"
	case 415:
		return "Unsupported Media Type"
	case 416:
		return "Range Not Satisfiable"
	case 417:
		return "Expectation Failed"
	case 421:
		return "Misdirected Request"
	case 422:
		return "Unprocessable Content"
	case 426:
		return "Upgrade Required"
	case 428:
		return "Precondition Required"
	case 429:
		return "Too Many Requests"
	case 431:
		return "Request Header Fields Too Large"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 504:
		return "Gateway Timeout"
	case 505:
		return "HTTP Version Not Supported"
	}
	return ""
}

// String returns "404 Not Found" style text.
func (s Status) String() string {
	b := appendInt(nil, int64(s))
	if r := s.Reason(); r != "" {
		b = append(b, ' ')
		b = append(b, r...)
	}
	return string(b)
}

// Class returns the first digit: 1 informational, 2 successful,
// 3 redirection, 4 client error, 5 server error (RFC 9110, section 15).
func (s Status) Class() int { return int(s) / 100 }

// Informational reports whether s is 1xx (an interim response).
func (s Status) Informational() bool { return s >= 100 && s < 200 }

// bodyAllowed reports whether a response with status s may carry content
// (RFC 9110, sections 15.2, 15.3.5 and 15.4.5).
func (s Status) bodyAllowed() bool {
	return !s.Informational() && s != StatusNoContent && s != StatusNotModified
}
