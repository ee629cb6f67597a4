package bittorrent

import (
	"context"
	"crypto/sha1"
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
)

// Bounds of [PieceLengthFor].
const (
	// DefaultMinPieceLength is the smallest piece length PieceLengthFor picks.
	DefaultMinPieceLength = 16 << 10
	// DefaultMaxPieceLength is the largest piece length PieceLengthFor picks.
	DefaultMaxPieceLength = 16 << 20
	// targetPieces is how many pieces PieceLengthFor aims for at most.
	targetPieces = 1500
)

// PieceLengthFor returns a sensible piece length for total bytes: the
// smallest power of two from 16 KiB to 16 MiB that keeps the torrent at
// about 1500 pieces or fewer, so the .torrent stays small while each piece
// is still quick to fetch and verify (the lesson's 256 KiB is what a
// ~400 MiB file gets).
func PieceLengthFor(total int64) int64 {
	n := int64(DefaultMinPieceLength)
	for n < DefaultMaxPieceLength && total/n > targetPieces {
		n *= 2
	}
	return n
}

// NewInfo builds the info dictionary for name in fsys, a file or a
// directory (walked in lexical order, skipping empty directories), hashing
// every piece. If pieceLength is zero, [PieceLengthFor] chooses it.
func NewInfo(ctx context.Context, fsys fs.FS, name string, pieceLength int64) (*Info, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	info := &Info{Name: path.Base(name)}
	var paths []string
	if st.IsDir() {
		err := fs.WalkDir(fsys, name, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				fi, err := d.Info()
				if err != nil {
					return err
				}
				rel := p[len(name)+1:]
				if name == "." {
					rel = p
				}
				info.Files = append(info.Files, FileInfo{Length: fi.Size(), Path: splitPath(rel)})
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(info.Files) == 0 {
			return nil, errors.New("bittorrent: no files under " + name)
		}
	} else {
		info.Length = st.Size()
		paths = []string{name}
	}
	if pieceLength <= 0 {
		pieceLength = PieceLengthFor(info.TotalLength())
	}
	info.PieceLength = pieceLength
	if info.Pieces, err = hashPieces(ctx, fsys, paths, pieceLength); err != nil {
		return nil, err
	}
	return info, info.Validate()
}

func splitPath(p string) []string {
	var out []string
	for p != "" {
		dir, file := path.Split(p)
		out = append(out, file)
		p = path.Clean(dir)
		if p == "." || p == "/" {
			break
		}
	}
	slices.Reverse(out)
	return out
}

// hashPieces reads the files as one stream and returns the SHA-1 of every
// piece, concatenated.
func hashPieces(ctx context.Context, fsys fs.FS, paths []string, pieceLength int64) ([]byte, error) {
	var out []byte
	h := sha1.New()
	var inPiece int64
	buf := make([]byte, 64<<10)
	for _, p := range paths {
		f, err := fsys.Open(p)
		if err != nil {
			return nil, err
		}
		for {
			if err := ctx.Err(); err != nil {
				f.Close()
				return nil, err
			}
			want := min(int64(len(buf)), pieceLength-inPiece)
			n, err := f.Read(buf[:want])
			h.Write(buf[:n])
			inPiece += int64(n)
			if inPiece == pieceLength {
				out = h.Sum(out)
				h.Reset()
				inPiece = 0
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				f.Close()
				return nil, err
			}
		}
		f.Close()
	}
	if inPiece > 0 {
		out = h.Sum(out)
	}
	return out, nil
}
