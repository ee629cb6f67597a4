package ftp

import "strconv"

// Verb is the name of an FTP command, in upper case: "USER", "RETR", "EPSV".
// RFC 959 section 4.1 defines commands as three or four letters; the parser
// accepts any verb of up to [MaxVerbLength] letters and leaves it to the server
// to answer unknown ones with 502.
type Verb string

// The commands this package speaks, grouped by the RFC that defines them.
const (
	// RFC 959 section 4.1.1: access control.
	USER Verb = "USER" // user name
	PASS Verb = "PASS" // password
	ACCT Verb = "ACCT" // account (answered with 202)
	CWD  Verb = "CWD"  // change working directory
	CDUP Verb = "CDUP" // change to parent directory
	QUIT Verb = "QUIT" // log out
	REIN Verb = "REIN" // reinitialize (not implemented by the server)

	// RFC 959 section 4.1.2: transfer parameters.
	PORT Verb = "PORT" // active mode: connect to h1,h2,h3,h4,p1,p2
	PASV Verb = "PASV" // passive mode: server listens
	TYPE Verb = "TYPE" // representation type: A (ASCII) or I (image/binary)
	STRU Verb = "STRU" // file structure: only F (file) is supported
	MODE Verb = "MODE" // transfer mode: only S (stream) is supported

	// RFC 959 section 4.1.3: service commands.
	RETR Verb = "RETR" // retrieve (download) a file
	STOR Verb = "STOR" // store (upload) a file
	STOU Verb = "STOU" // store under a unique name
	APPE Verb = "APPE" // append to a file
	REST Verb = "REST" // restart the next transfer at an offset
	RNFR Verb = "RNFR" // rename from
	RNTO Verb = "RNTO" // rename to
	ABOR Verb = "ABOR" // abort the transfer in progress
	DELE Verb = "DELE" // delete a file
	RMD  Verb = "RMD"  // remove a directory
	MKD  Verb = "MKD"  // make a directory
	PWD  Verb = "PWD"  // print working directory
	LIST Verb = "LIST" // directory listing for people (ls -l form)
	NLST Verb = "NLST" // name list, one name per line
	SITE Verb = "SITE" // site-specific commands (not implemented)
	SYST Verb = "SYST" // system type
	STAT Verb = "STAT" // status of the server or of a path
	HELP Verb = "HELP" // help text
	NOOP Verb = "NOOP" // no operation

	// RFC 2228 and RFC 4217: security extensions (explicit FTPS).
	AUTH Verb = "AUTH" // AUTH TLS: upgrade the control connection
	PBSZ Verb = "PBSZ" // protection buffer size (always 0 with TLS)
	PROT Verb = "PROT" // data channel protection: C (clear) or P (private)

	// RFC 2389: feature negotiation.
	FEAT Verb = "FEAT" // list extensions
	OPTS Verb = "OPTS" // set options, e.g. "OPTS UTF8 ON"

	// RFC 2428: extended addresses for IPv6 and NAT.
	EPRT Verb = "EPRT" // extended PORT: |proto|address|port|
	EPSV Verb = "EPSV" // extended PASV: reply carries only the port

	// RFC 3659: extensions.
	SIZE Verb = "SIZE" // file size in octets
	MDTM Verb = "MDTM" // modification time, YYYYMMDDHHMMSS in UTC
	MLST Verb = "MLST" // machine-readable facts about one path
	MLSD Verb = "MLSD" // machine-readable directory listing
)

// String returns the verb as it appears on the wire.
func (v Verb) String() string { return string(v) }

// Code is a three-digit FTP reply code (RFC 959 section 4.2). The first digit
// says whether the command succeeded (1 preliminary, 2 completed, 3 needs more,
// 4 transient failure, 5 permanent failure); the second says what it is about
// (0 syntax, 1 information, 2 connections, 3 authentication, 5 file system).
type Code int

// Reply codes from RFC 959 section 4.2.2 unless noted.
const (
	StatusRestartMarker           Code = 110 // restart marker reply
	StatusServiceReadySoon        Code = 120 // service ready in nnn minutes
	StatusAlreadyOpen             Code = 125 // data connection already open; transfer starting
	StatusAboutToSend             Code = 150 // file status okay; about to open data connection
	StatusCommandOK               Code = 200 // command okay
	StatusCommandSuperfluous      Code = 202 // command not implemented, superfluous at this site
	StatusSystem                  Code = 211 // system status, or FEAT reply (RFC 2389)
	StatusDirectory               Code = 212 // directory status
	StatusFile                    Code = 213 // file status: SIZE, MDTM, STAT of a path
	StatusHelp                    Code = 214 // help message
	StatusName                    Code = 215 // NAME system type (SYST)
	StatusReady                   Code = 220 // service ready for new user
	StatusClosing                 Code = 221 // service closing control connection
	StatusDataOpen                Code = 225 // data connection open; no transfer in progress
	StatusClosingData             Code = 226 // closing data connection; transfer complete
	StatusPassiveMode             Code = 227 // entering passive mode (h1,h2,h3,h4,p1,p2)
	StatusExtendedPassiveMode     Code = 229 // entering extended passive mode (|||port|), RFC 2428
	StatusLoggedIn                Code = 230 // user logged in, proceed
	StatusAuthOK                  Code = 234 // security data exchange complete (AUTH TLS), RFC 2228
	StatusFileOK                  Code = 250 // requested file action okay, completed
	StatusPathCreated             Code = 257 // "PATHNAME" created (MKD, PWD)
	StatusNeedPassword            Code = 331 // user name okay, need password
	StatusNeedAccount             Code = 332 // need account for login
	StatusPending                 Code = 350 // requested file action pending further information (REST, RNFR)
	StatusNotAvailable            Code = 421 // service not available, closing control connection
	StatusCantOpenData            Code = 425 // can't open data connection
	StatusTransferAborted         Code = 426 // connection closed; transfer aborted
	StatusFileBusy                Code = 450 // requested file action not taken (file busy)
	StatusLocalError              Code = 451 // requested action aborted: local error in processing
	StatusInsufficientStorage     Code = 452 // requested action not taken: insufficient storage
	StatusSyntaxError             Code = 500 // syntax error, command unrecognized
	StatusArgumentSyntaxError     Code = 501 // syntax error in parameters or arguments
	StatusNotImplemented          Code = 502 // command not implemented
	StatusBadSequence             Code = 503 // bad sequence of commands
	StatusNotImplementedParameter Code = 504 // command not implemented for that parameter
	StatusProtRequired            Code = 521 // data connection cannot be opened with this PROT setting, RFC 4217
	StatusBadNetworkProtocol      Code = 522 // network protocol not supported, use (1,2), RFC 2428
	StatusNotLoggedIn             Code = 530 // not logged in
	StatusProtNotSupported        Code = 536 // requested PROT level not supported, RFC 2228
	StatusFileUnavailable         Code = 550 // requested action not taken: file unavailable
	StatusExceededStorage         Code = 552 // exceeded storage allocation
	StatusBadFileName             Code = 553 // file name not allowed
)

// String returns the code as three digits.
func (c Code) String() string { return strconv.Itoa(int(c)) }

// Preliminary reports a positive preliminary reply (1yz): another reply
// will follow.
func (c Code) Preliminary() bool { return c >= 100 && c < 200 }

// Completed reports a positive completion reply (2yz).
func (c Code) Completed() bool { return c >= 200 && c < 300 }

// Intermediate reports a positive intermediate reply (3yz): the command
// was accepted and the next one in the sequence is expected.
func (c Code) Intermediate() bool { return c >= 300 && c < 400 }

// Transient reports a transient negative reply (4yz): try again later.
func (c Code) Transient() bool { return c >= 400 && c < 500 }

// Permanent reports a permanent negative reply (5yz): do not repeat as is.
func (c Code) Permanent() bool { return c >= 500 && c < 600 }

// Limits of the codec. Each one is a named constant so that parsers can be
// fuzzed against it; servers and clients expose matching fields.
const (
	// MaxVerbLength is the longest command verb accepted. RFC 959 verbs have
	// three or four letters; the extensions keep to four.
	MaxVerbLength = 4

	// DefaultMaxLineLength caps a control-channel line, CRLF included. RFC 959
	// sets no limit; 4096 leaves room for long path names (PATH_MAX on Linux)
	// while bounding memory.
	DefaultMaxLineLength = 4096

	// DefaultMaxReplyLines caps the lines of one multi-line reply (FEAT, HELP,
	// STAT). A peer that never sends the final "NNN " line is stopped here.
	DefaultMaxReplyLines = 1000

	// DefaultMaxListEntries caps the entries a client accepts from one LIST,
	// NLST or MLSD listing.
	DefaultMaxListEntries = 1 << 20
)
