module meshbench.local/delay-server

go 1.24
