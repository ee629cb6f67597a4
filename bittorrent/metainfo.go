package bittorrent

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"strings"

	"github.com/applayer/applayer/bittorrent/bencode"
)

// Limits on metainfo accepted by [ParseMetaInfo] and [ParseInfo].
const (
	// MaxMetaInfoSize bounds a .torrent file in bytes.
	MaxMetaInfoSize = 64 << 20
	// MaxPieceLength bounds the piece length a torrent may declare; larger
	// pieces would make one piece buffer unreasonably large.
	MaxPieceLength = 64 << 20
	// MinPieceLength is the smallest piece length accepted.
	MinPieceLength = 1
	// MaxFiles bounds the number of files in a multi-file torrent.
	MaxFiles = 1 << 20
)

// ErrInvalidMetaInfo is wrapped by every error about a malformed .torrent or
// info dictionary.
var ErrInvalidMetaInfo = errors.New("bittorrent: invalid metainfo")

func metaErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidMetaInfo}, args...)...)
}

// MetaInfo is the content of a .torrent file (BEP 3 "metainfo files").
// InfoBytes holds the info dictionary exactly as read, so [MetaInfo.InfoHash]
// matches what every other client computes; Info is its decoded form.
type MetaInfo struct {
	// Announce is the tracker URL (BEP 3).
	Announce string `bencode:"announce,omitempty"`
	// AnnounceList holds tiers of tracker URLs (BEP 12); when present it
	// replaces Announce.
	AnnounceList [][]string `bencode:"announce-list,omitempty"`
	// URLList holds web seed URLs (BEP 19). Read and kept; this package
	// does not download from web seeds.
	URLList URLList `bencode:"url-list,omitempty"`
	// CreationDate is seconds since the Unix epoch.
	CreationDate int64 `bencode:"creation date,omitempty"`
	// Comment is free text from the author.
	Comment string `bencode:"comment,omitempty"`
	// CreatedBy names the program that made the file.
	CreatedBy string `bencode:"created by,omitempty"`
	// InfoBytes is the raw info dictionary.
	InfoBytes bencode.RawMessage `bencode:"info"`
	// Info is InfoBytes decoded; it is not written by Marshal.
	Info Info `bencode:"-"`
}

// URLList is BEP 19's url-list, which may be a single string or a list.
type URLList []string

// UnmarshalBencode accepts a string or a list of strings.
func (u *URLList) UnmarshalBencode(b []byte) error {
	var s string
	if bencode.Unmarshal(b, &s) == nil {
		*u = nil
		if s != "" {
			*u = URLList{s}
		}
		return nil
	}
	var l []string
	if err := bencode.Unmarshal(b, &l); err != nil {
		return err
	}
	*u = l
	return nil
}

// Info is the info dictionary (BEP 3): the name, the piece length, the
// SHA-1 of every piece concatenated, and either Length (one file) or Files.
type Info struct {
	Name        string     `bencode:"name"`
	PieceLength int64      `bencode:"piece length"`
	Pieces      []byte     `bencode:"pieces"`
	Length      int64      `bencode:"length,omitempty"`
	Files       []FileInfo `bencode:"files,omitempty"`
	// Private is 1 for a private torrent (BEP 27): peers come only from
	// its trackers.
	Private int `bencode:"private,omitempty"`
}

// FileInfo is one file of a multi-file torrent; Path is its components below
// the torrent's directory (Info.Name).
type FileInfo struct {
	Length int64    `bencode:"length"`
	Path   []string `bencode:"path"`
}

// File is one file of the torrent's layout in the byte stream the pieces
// cover: Path is relative to the download directory and starts with
// Info.Name.
type File struct {
	Path   []string
	Length int64
	Offset int64
}

// ParseMetaInfo decodes and validates a .torrent file.
func ParseMetaInfo(data []byte) (*MetaInfo, error) {
	if len(data) > MaxMetaInfoSize {
		return nil, metaErr("file of %d bytes exceeds %d", len(data), MaxMetaInfoSize)
	}
	var mi MetaInfo
	if err := bencode.Unmarshal(data, &mi); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidMetaInfo, err)
	}
	if len(mi.InfoBytes) == 0 {
		return nil, metaErr("no info dictionary")
	}
	info, err := ParseInfo(mi.InfoBytes)
	if err != nil {
		return nil, err
	}
	mi.Info = *info
	return &mi, nil
}

// ParseInfo decodes and validates an info dictionary, as received in a
// .torrent file or through ut_metadata (BEP 9).
func ParseInfo(data []byte) (*Info, error) {
	var info Info
	if err := bencode.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidMetaInfo, err)
	}
	if err := info.Validate(); err != nil {
		return nil, err
	}
	return &info, nil
}

// Validate checks the info dictionary: a safe name and paths, a piece
// length within limits, and exactly one SHA-1 per piece.
func (info *Info) Validate() error {
	if err := checkPathComponent(info.Name); err != nil {
		return metaErr("name: %v", err)
	}
	if info.PieceLength < MinPieceLength || info.PieceLength > MaxPieceLength {
		return metaErr("piece length %d out of range", info.PieceLength)
	}
	if len(info.Pieces)%sha1.Size != 0 {
		return metaErr("pieces length %d is not a multiple of 20", len(info.Pieces))
	}
	if len(info.Files) > 0 && info.Length != 0 {
		return metaErr("both length and files")
	}
	if len(info.Files) > MaxFiles {
		return metaErr("%d files exceed %d", len(info.Files), MaxFiles)
	}
	var total int64
	if len(info.Files) == 0 {
		if info.Length < 0 {
			return metaErr("negative length")
		}
		total = info.Length
	}
	for i, f := range info.Files {
		if f.Length < 0 || total+f.Length < total {
			return metaErr("file %d: bad length %d", i, f.Length)
		}
		total += f.Length
		if len(f.Path) == 0 {
			return metaErr("file %d: empty path", i)
		}
		for _, c := range f.Path {
			if err := checkPathComponent(c); err != nil {
				return metaErr("file %d: %v", i, err)
			}
		}
	}
	want := (total + info.PieceLength - 1) / info.PieceLength
	if int64(len(info.Pieces)/sha1.Size) != want {
		return metaErr("%d piece hashes for %d bytes in pieces of %d", len(info.Pieces)/sha1.Size, total, info.PieceLength)
	}
	return nil
}

// checkPathComponent refuses names that would escape the download
// directory or are not portable file names.
func checkPathComponent(c string) error {
	switch {
	case c == "" || c == "." || c == "..":
		return fmt.Errorf("path component %q", c)
	case strings.ContainsAny(c, "/\\\x00"):
		return fmt.Errorf("path component %q contains a separator or NUL", c)
	}
	return nil
}

// InfoHash returns the SHA-1 of the raw info dictionary.
func (mi *MetaInfo) InfoHash() InfoHash { return sha1.Sum(mi.InfoBytes) }

// Trackers returns the announce URLs in tiers: AnnounceList when present
// (BEP 12), otherwise a single tier holding Announce.
func (mi *MetaInfo) Trackers() [][]string {
	if len(mi.AnnounceList) > 0 {
		return mi.AnnounceList
	}
	if mi.Announce != "" {
		return [][]string{{mi.Announce}}
	}
	return nil
}

// Magnet returns a magnet link for the torrent with its name and trackers.
func (mi *MetaInfo) Magnet() Magnet {
	m := Magnet{InfoHash: mi.InfoHash(), Name: mi.Info.Name}
	for _, tier := range mi.Trackers() {
		m.Trackers = append(m.Trackers, tier...)
	}
	return m
}

// Marshal returns the .torrent file bytes. InfoBytes must be set (see
// [NewMetaInfo]).
func (mi *MetaInfo) Marshal() ([]byte, error) {
	return bencode.Marshal(mi)
}

// NewMetaInfo wraps an info dictionary in a MetaInfo announcing to the
// given tracker tiers (the first URL also becomes Announce).
func NewMetaInfo(info Info, tiers ...[]string) (*MetaInfo, error) {
	if err := info.Validate(); err != nil {
		return nil, err
	}
	raw, err := bencode.Marshal(info)
	if err != nil {
		return nil, err
	}
	mi := &MetaInfo{InfoBytes: raw, Info: info}
	if len(tiers) > 0 && len(tiers[0]) > 0 {
		mi.Announce = tiers[0][0]
	}
	if len(tiers) > 1 || (len(tiers) == 1 && len(tiers[0]) > 1) {
		mi.AnnounceList = tiers
	}
	return mi, nil
}

// TotalLength returns the number of bytes the pieces cover.
func (info *Info) TotalLength() int64 {
	if len(info.Files) == 0 {
		return info.Length
	}
	var n int64
	for _, f := range info.Files {
		n += f.Length
	}
	return n
}

// NumPieces returns the number of pieces.
func (info *Info) NumPieces() int { return len(info.Pieces) / sha1.Size }

// PieceHash returns the SHA-1 the piece must have.
func (info *Info) PieceHash(i int) [sha1.Size]byte {
	var h [sha1.Size]byte
	copy(h[:], info.Pieces[i*sha1.Size:])
	return h
}

// PieceLen returns the length of piece i; only the last may be shorter.
func (info *Info) PieceLen(i int) int64 {
	if i == info.NumPieces()-1 {
		if r := info.TotalLength() % info.PieceLength; r != 0 {
			return r
		}
	}
	return info.PieceLength
}

// Layout returns the files in the order the pieces cover them.
func (info *Info) Layout() []File {
	if len(info.Files) == 0 {
		return []File{{Path: []string{info.Name}, Length: info.Length}}
	}
	out := make([]File, len(info.Files))
	var off int64
	for i, f := range info.Files {
		out[i] = File{Path: append([]string{info.Name}, f.Path...), Length: f.Length, Offset: off}
		off += f.Length
	}
	return out
}
