// Command ftp is a file transfer client in the style of the classic ftp
// program: it reads commands at an "ftp>" prompt, or from a script on
// standard input, and prints the server's replies as they come.
//
//	go run ./examples/ftp 127.0.0.1 2121
//	ftp> user anonymous guest@example.com
//	ftp> cd pub
//	ftp> get rfc1261.txt nicinfo
//
// Commands: open HOST [PORT], user NAME [PASSWORD], pwd, cd DIR, ls [DIR],
// get REMOTE [LOCAL], put LOCAL [REMOTE], mget PATTERN..., mput FILE...,
// ascii, binary, passive, active, rename FROM TO, delete FILE,
// mdelete PATTERN..., mkdir DIR, size FILE, close, bye (or quit), help
// (or ?). Long transfers show a progress bar when standard output is a
// terminal. From a script, the first failing command ends the program
// with status 1.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/ftp"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: ftp [HOST [PORT]]  (commands on standard input)")
		flag.PrintDefaults()
	}
	flag.Parse()
	ctx, stop := cli.SignalContext()
	defer stop()
	sh := &shell{
		in:          bufio.NewScanner(os.Stdin),
		out:         os.Stdout,
		interactive: isTerminal(os.Stdin),
		progressBar: isTerminal(os.Stdout),
	}
	if err := sh.run(ctx, flag.Args()); err != nil {
		cli.Fatal("ftp", err)
	}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// shell is the command interpreter.
type shell struct {
	in          *bufio.Scanner
	out         io.Writer
	interactive bool // prompt, and keep going after errors
	progressBar bool
	c           *ftp.Client
	host        string
}

// errQuit ends the loop without an error.
var errQuit = errors.New("quit")

func (sh *shell) run(ctx context.Context, args []string) error {
	defer func() {
		if sh.c != nil {
			sh.c.Close()
		}
	}()
	if len(args) > 0 {
		if err := sh.exec(ctx, append([]string{"open"}, args...)); err != nil {
			return err
		}
	}
	for {
		if sh.interactive {
			fmt.Fprint(sh.out, "ftp> ")
		}
		if !sh.in.Scan() {
			if sh.c != nil {
				sh.exec(ctx, []string{"bye"})
			}
			return sh.in.Err()
		}
		fields := strings.Fields(sh.in.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		err := sh.exec(ctx, fields)
		if errors.Is(err, errQuit) {
			return nil
		}
		if err != nil {
			if !sh.interactive {
				return err
			}
			fmt.Fprintln(sh.out, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// replyPrinter shows the server's replies ("S: " lines of the trace) the way
// the classic client does: just the reply lines.
type replyPrinter struct{ w io.Writer }

func (p replyPrinter) Write(b []byte) (int, error) {
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "S: "); ok {
			io.WriteString(p.w, rest)
		}
	}
	return len(b), nil
}

const helpText = `commands: open HOST [PORT], user NAME [PASSWORD], pwd, cd DIR, ls [DIR],
get REMOTE [LOCAL], put LOCAL [REMOTE], mget PATTERN..., mput FILE...,
ascii, binary, passive, active, rename FROM TO, delete FILE, mdelete PATTERN...,
mkdir DIR, size FILE, close, bye, quit, help, ?`

func (sh *shell) exec(ctx context.Context, f []string) error {
	cmd, args := strings.ToLower(f[0]), f[1:]
	need := func(n int, usage string) error {
		if len(args) < n {
			return fmt.Errorf("usage: %s %s", cmd, usage)
		}
		if sh.c == nil {
			return errors.New("not connected")
		}
		return nil
	}
	switch cmd {
	case "help", "?":
		fmt.Fprintln(sh.out, helpText)
		return nil
	case "bye", "quit":
		if sh.c != nil {
			sh.c.Quit(ctx)
			sh.c = nil
		}
		return errQuit
	case "close", "disconnect":
		if sh.c != nil {
			sh.c.Quit(ctx)
			sh.c = nil
		}
		return nil
	case "open":
		if len(args) < 1 {
			return errors.New("usage: open HOST [PORT]")
		}
		port := "21"
		if len(args) > 1 {
			port = args[1]
		}
		if sh.c != nil {
			sh.c.Quit(ctx)
		}
		addr := args[0] + ":" + port
		if strings.Contains(args[0], ":") {
			addr = "[" + args[0] + "]:" + port
		}
		c, err := ftp.Dial(ctx, addr, replyPrinter{sh.out})
		if err != nil {
			return err
		}
		fmt.Fprintf(sh.out, "Connected to %s.\n", args[0])
		sh.c, sh.host = c, args[0]
		if sh.interactive {
			name := sh.prompt(fmt.Sprintf("Name (%s): ", sh.host))
			return sh.exec(ctx, []string{"user", name})
		}
		return nil
	case "user":
		if err := need(1, "NAME [PASSWORD]"); err != nil {
			return err
		}
		pass := ""
		if len(args) > 1 {
			pass = args[1]
		} else if sh.interactive {
			pass = sh.prompt("Password: ")
		}
		return sh.c.Login(ctx, args[0], pass)
	case "pwd":
		if err := need(0, ""); err != nil {
			return err
		}
		_, err := sh.c.Pwd(ctx)
		return err
	case "cd":
		if err := need(1, "DIR"); err != nil {
			return err
		}
		return sh.c.Cwd(ctx, args[0])
	case "ls", "dir":
		if err := need(0, "[DIR]"); err != nil {
			return err
		}
		dir := ""
		if len(args) > 0 {
			dir = args[0]
		}
		entries, err := sh.c.List(ctx, dir)
		if err != nil {
			return err
		}
		now := time.Now()
		for _, e := range entries {
			fmt.Fprintf(sh.out, "%s\n", ftp.AppendListLine(nil, e, now))
		}
		return nil
	case "ascii", "binary":
		if err := need(0, ""); err != nil {
			return err
		}
		return sh.c.SetBinary(ctx, cmd == "binary")
	case "passive", "active":
		if err := need(0, ""); err != nil {
			return err
		}
		sh.c.DataMode = ftp.Passive
		if cmd == "active" {
			sh.c.DataMode = ftp.Active
		}
		fmt.Fprintf(sh.out, "Data connections: %s mode.\n", cmd)
		return nil
	case "get", "recv":
		if err := need(1, "REMOTE [LOCAL]"); err != nil {
			return err
		}
		local := filepath.Base(args[0])
		if len(args) > 1 {
			local = args[1]
		}
		return sh.get(ctx, args[0], local)
	case "put", "send":
		if err := need(1, "LOCAL [REMOTE]"); err != nil {
			return err
		}
		remote := filepath.Base(args[0])
		if len(args) > 1 {
			remote = args[1]
		}
		return sh.put(ctx, args[0], remote)
	case "mget":
		if err := need(1, "PATTERN..."); err != nil {
			return err
		}
		for _, pat := range args {
			got, err := sh.c.MGet(ctx, pat, ".", sh.progress())
			sh.endProgress()
			if err != nil {
				return err
			}
			for _, name := range got {
				fmt.Fprintf(sh.out, "local: %s remote: %s\n", name, name)
			}
		}
		return nil
	case "mput":
		if err := need(1, "FILE..."); err != nil {
			return err
		}
		var files []string
		for _, pat := range args {
			m, _ := filepath.Glob(pat)
			files = append(files, m...)
		}
		err := sh.c.MPut(ctx, files, sh.progress())
		sh.endProgress()
		return err
	case "rename":
		if err := need(2, "FROM TO"); err != nil {
			return err
		}
		return sh.c.Rename(ctx, args[0], args[1])
	case "delete":
		if err := need(1, "FILE"); err != nil {
			return err
		}
		return sh.c.Delete(ctx, args[0])
	case "mdelete":
		if err := need(1, "PATTERN..."); err != nil {
			return err
		}
		names, err := sh.c.NameList(ctx, "")
		if err != nil {
			return err
		}
		for _, name := range names {
			for _, pat := range args {
				if ok, _ := path.Match(pat, path.Base(name)); ok {
					if err := sh.c.Delete(ctx, name); err != nil {
						return err
					}
					break
				}
			}
		}
		return nil
	case "mkdir":
		if err := need(1, "DIR"); err != nil {
			return err
		}
		return sh.c.Mkdir(ctx, args[0])
	case "size":
		if err := need(1, "FILE"); err != nil {
			return err
		}
		_, err := sh.c.Size(ctx, args[0])
		return err
	}
	return fmt.Errorf("?Invalid command %q (try help)", cmd)
}

func (sh *shell) prompt(p string) string {
	fmt.Fprint(sh.out, p)
	if !sh.in.Scan() {
		return ""
	}
	return strings.TrimSpace(sh.in.Text())
}

// get downloads one file and prints the classic summary line.
func (sh *shell) get(ctx context.Context, remote, local string) error {
	size := int64(-1)
	if sh.c.Binary() {
		if n, err := sh.c.Size(ctx, remote); err == nil {
			size = n
		}
	}
	f, err := os.Create(local)
	if err != nil {
		return err
	}
	fmt.Fprintf(sh.out, "local: %s remote: %s\n", local, remote)
	start := time.Now()
	p := sh.progress()
	var report func(int64)
	if p != nil {
		report = func(n int64) { p(remote, n, size) }
	}
	n, err := sh.c.RetrFrom(ctx, remote, 0, f, report)
	sh.endProgress()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(local)
		return err
	}
	sh.summary(n, "received", time.Since(start))
	return nil
}

func (sh *shell) put(ctx context.Context, local, remote string) error {
	f, err := os.Open(local)
	if err != nil {
		return err
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(sh.out, "local: %s remote: %s\n", local, remote)
	start := time.Now()
	p := sh.progress()
	var report func(int64)
	if p != nil {
		report = func(n int64) { p(remote, n, size) }
	}
	n, err := sh.c.StorFrom(ctx, remote, 0, f, report)
	sh.endProgress()
	if err != nil {
		return err
	}
	sh.summary(n, "sent", time.Since(start))
	return nil
}

// summary prints "4488 bytes received in 15 seconds (0.3 Kbytes/s)."
func (sh *shell) summary(n int64, verb string, d time.Duration) {
	secs := max(d.Seconds(), 1e-6)
	fmt.Fprintf(sh.out, "%d bytes %s in %.2g seconds (%.3g Kbytes/s).\n", n, verb, secs, float64(n)/1024/secs)
}

// progressAfter is how long a transfer runs before the bar appears.
const progressAfter = time.Second

// progress returns a callback drawing a bar on a terminal, or nil.
func (sh *shell) progress() ftp.Progress {
	if !sh.progressBar {
		return nil
	}
	start := time.Now()
	return func(name string, done, total int64) {
		if time.Since(start) < progressAfter {
			return
		}
		const width = 30
		rate := float64(done) / time.Since(start).Seconds() / (1 << 20)
		if total > 0 {
			fill := int(width * min(done, total) / total)
			fmt.Fprintf(sh.out, "\r%-20.20s [%s%s] %3d%% %6.1f MiB/s", name,
				strings.Repeat("=", fill), strings.Repeat(" ", width-fill), 100*done/total, rate)
		} else {
			fmt.Fprintf(sh.out, "\r%-20.20s %d bytes %6.1f MiB/s", name, done, rate)
		}
	}
}

func (sh *shell) endProgress() {
	if sh.progressBar {
		fmt.Fprint(sh.out, "\r\033[K")
	}
}
