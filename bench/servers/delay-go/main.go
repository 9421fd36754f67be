// The benchmark's truth server in Go: the same contract as ../delay-server.ts (answers after a known
// delay, measures its own answer time per request, GET /__stats returns and resets the figures,
// POST /__stall?ms=N stops answering for that long), cheap enough that it is not the bottleneck when
// it shares two cores with the load generator. Prints {"port":N} on stdout once it listens.
package main

import (
	"container/heap"
	"context"
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
	"syscall"
	"time"
	"unsafe"
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

type connKey struct{}

type connState struct{ served bool }

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

// The answer delay cannot be time.Sleep: Go's timers fire from the network poller, whose epoll_wait
// timeout is whole milliseconds (runtime/netpoll_epoll.go rounds the rest down, then waits a full 1 ms for
// any sub-millisecond remainder), so a 5 ms sleep ends anywhere in 5–6 ms and the truth would be off by up
// to a millisecond. Blocking each request's thread in nanosleep(2) is exact but needs a thread per waiting
// request and a P hand-off per wake, which bursts of hundreds of requests turn into tens of ms. So one
// timerfd, which epoll reports to the nanosecond, wakes the requests due from a heap of deadlines.
type waiter struct {
	at int64 // ns since start
	ch chan struct{}
}

type deadlines []waiter

func (d deadlines) Len() int           { return len(d) }
func (d deadlines) Less(i, j int) bool { return d[i].at < d[j].at }
func (d deadlines) Swap(i, j int)      { d[i], d[j] = d[j], d[i] }
func (d *deadlines) Push(x any)        { *d = append(*d, x.(waiter)) }
func (d *deadlines) Pop() any {
	old := *d
	x := old[len(old)-1]
	*d = old[:len(old)-1]
	return x
}

type waker struct {
	mu    sync.Mutex
	heap  deadlines
	armed int64 // deadline the timer is set for; 0 = disarmed
	fd    int
	file  *os.File
	start time.Time
}

func newWaker() (*waker, error) {
	const tfdNonblock, tfdCloexec = 0x800, 0x80000
	fd, _, errno := syscall.Syscall(syscall.SYS_TIMERFD_CREATE, 1 /* CLOCK_MONOTONIC */, tfdNonblock|tfdCloexec, 0)
	if errno != 0 {
		return nil, errno
	}
	// A non-blocking fd given to os.NewFile is registered with the runtime's poller, so Read parks the
	// goroutine, not a thread.
	w := &waker{fd: int(fd), file: os.NewFile(fd, "timerfd"), start: time.Now()}
	go w.run()
	return w, nil
}

func (w *waker) now() int64 { return int64(time.Since(w.start)) }

// arm sets the timer to fire at deadline at (relative arming: at most a few µs late). Caller holds mu.
func (w *waker) arm(at int64) {
	rel := at - w.now()
	if rel < 1000 {
		rel = 1000 // zero would disarm it
	}
	spec := [4]int64{0, 0, rel / 1e9, rel % 1e9} // it_interval (zero), it_value
	_, _, _ = syscall.Syscall6(syscall.SYS_TIMERFD_SETTIME, uintptr(w.fd), 0, uintptr(unsafe.Pointer(&spec[0])), 0, 0, 0)
	w.armed = at
}

func (w *waker) sleep(d time.Duration) {
	ch := make(chan struct{})
	w.mu.Lock()
	at := w.now() + int64(d)
	heap.Push(&w.heap, waiter{at: at, ch: ch})
	if w.armed == 0 || at < w.armed {
		w.arm(at)
	}
	w.mu.Unlock()
	<-ch
}

func (w *waker) run() {
	buf := make([]byte, 8)
	for {
		w.mu.Lock()
		now := w.now()
		for len(w.heap) > 0 && w.heap[0].at <= now {
			close(heap.Pop(&w.heap).(waiter).ch)
		}
		w.armed = 0
		if len(w.heap) > 0 {
			w.arm(w.heap[0].at)
		}
		w.mu.Unlock()
		// Blocks until the timer fires (re-armed earlier by sleep when a nearer deadline arrives).
		_, _ = w.file.Read(buf)
	}
}

func main() {
	delayMs := flag.Float64("delay", 5, "answer delay, ms")
	profile := flag.String("profile", "fixed", "fixed or mixed")
	skipFirst := flag.Bool("skip-first", false, "leave each connection's first request out of the figures (a tool's warm-up burst, not its run)")
	flag.Parse()
	delay := time.Duration(*delayMs * float64(time.Millisecond))
	var n atomic.Int64
	var stallUntil atomic.Int64
	st := &stats{}
	wk, err := newWaker()
	if err != nil {
		fmt.Fprintln(os.Stderr, "timerfd:", err)
		os.Exit(1)
	}
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
		// Requests on one HTTP/1.1 connection are served one after another, so the flag needs no lock.
		conn := r.Context().Value(connKey{}).(*connState)
		first := !conn.served
		conn.served = true
		wk.sleep(wait)
		_, _ = w.Write([]byte("ok\n"))
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		if !(*skipFirst && first) {
			st.add(time.Since(arrived))
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("{\"port\":%d}\n", ln.Addr().(*net.TCPAddr).Port)
	srv := &http.Server{
		Handler:     mux,
		IdleTimeout: 60 * time.Second,
		ConnContext: func(ctx context.Context, _ net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, &connState{})
		},
	}
	_ = srv.Serve(ln)
}
