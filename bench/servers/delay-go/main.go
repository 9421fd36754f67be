// The benchmark's truth server in Go: the same contract as ../delay-server.ts (answers after a known
// delay, measures its own answer time per request, GET /__stats returns and resets the figures,
// POST /__stall?ms=N stops answering for that long), cheap enough that it is not the bottleneck when
// it shares two cores with the load generator. Prints {"port":N} on stdout once it listens.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func delayFor(profile string, delay time.Duration, n int64) time.Duration {
	if profile == "fixed" {
		return delay
	}
	// As the TypeScript server: 85% delay, 13% 3×, 2% 10×, deterministic by arrival order.
	switch r := n % 100; {
	case r < 85:
		return delay
	case r < 98:
		return 3 * delay
	default:
		return 10 * delay
	}
}

type stats struct {
	mu    sync.Mutex
	micro []int64
}

func (s *stats) add(d time.Duration) {
	s.mu.Lock()
	s.micro = append(s.micro, d.Microseconds())
	s.mu.Unlock()
}

func (s *stats) take() map[string]any {
	s.mu.Lock()
	v := s.micro
	s.micro = make([]int64, 0, len(v))
	s.mu.Unlock()
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	at := func(p float64) float64 {
		if len(v) == 0 {
			return 0
		}
		i := int(p/100*float64(len(v))+0.999999) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(v) {
			i = len(v) - 1
		}
		return float64(v[i]) / 1000
	}
	return map[string]any{"count": len(v), "p50Ms": at(50), "p90Ms": at(90), "p99Ms": at(99), "p999Ms": at(99.9)}
}

func main() {
	delayMs := flag.Float64("delay", 5, "answer delay, ms")
	profile := flag.String("profile", "fixed", "fixed or mixed")
	flag.Parse()
	delay := time.Duration(*delayMs * float64(time.Millisecond))
	var n atomic.Int64
	var stallUntil atomic.Int64
	st := &stats{}
	mux := http.NewServeMux()
	mux.HandleFunc("/__stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("content-type", "application/json")
		_ = json.NewEncoder(w).Encode(st.take())
	})
	mux.HandleFunc("/__stall", func(w http.ResponseWriter, r *http.Request) {
		ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if err != nil {
			ms = 1000
		}
		stallUntil.Store(time.Now().Add(time.Duration(ms) * time.Millisecond).UnixNano())
		_, _ = w.Write([]byte("stalling\n"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		arrived := time.Now()
		wait := delayFor(*profile, delay, n.Add(1)-1)
		if until := stallUntil.Load(); until > arrived.UnixNano() {
			wait += time.Duration(until - arrived.UnixNano())
		}
		time.Sleep(wait)
		_, _ = w.Write([]byte("ok\n"))
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		st.add(time.Since(arrived))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("{\"port\":%d}\n", ln.Addr().(*net.TCPAddr).Port)
	srv := &http.Server{Handler: mux, IdleTimeout: 60 * time.Second}
	_ = srv.Serve(ln)
}
