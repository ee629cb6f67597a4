// Command tour is the guided tour of the application-layer chapter: each
// chapter starts real servers of this module on loopback, drives real
// clients against them, and prints the dialogue or the measured figures.
//
//	go run ./examples/tour               every chapter, in course order
//	go run ./examples/tour -list         the chapters
//	go run ./examples/tour -chapter dns  one chapter
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/applayer/applayer/examples/internal/cli"
)

func main() {
	name := flag.String("chapter", "", "run only the chapter with this name")
	list := flag.Bool("list", false, "list the chapters and exit")
	short := flag.Bool("short", false, "run a shorter version of each chapter")
	flag.Parse()
	if *list {
		for _, c := range chapters {
			fmt.Printf("%-12s %s\n", c.name, c.title)
		}
		return
	}
	ctx, stop := cli.SignalContext()
	defer stop()
	if err := runTour(ctx, os.Stdout, *name, *short); err != nil {
		cli.Fatal("tour", err)
	}
}

// runTour runs the chapter called name, or all of them when name is empty.
// A failing chapter is reported and the others still run; the error says
// which failed.
func runTour(ctx context.Context, w io.Writer, name string, short bool) error {
	var failed []string
	ran := 0
	for _, c := range chapters {
		if name != "" && c.name != name {
			continue
		}
		ran++
		fmt.Fprintf(w, "\n=== %s: %s ===\n\n", c.name, c.title)
		start := time.Now()
		if err := c.run(ctx, w, short); err != nil {
			fmt.Fprintf(w, "\n*** chapter %s failed: %v\n", c.name, err)
			failed = append(failed, c.name)
			continue
		}
		fmt.Fprintf(w, "\n(chapter %s took %v)\n", c.name, time.Since(start).Round(time.Millisecond))
	}
	switch {
	case ran == 0:
		return fmt.Errorf("no chapter named %q (try -list)", name)
	case len(failed) > 0:
		return fmt.Errorf("chapters failed: %v", failed)
	}
	return nil
}
