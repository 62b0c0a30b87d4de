# snnc: make test installs what the tests need, checks the tree (lint),
# then runs the tests.

GO ?= go

.PHONY: test deps lint check-examples fuzz bench difftest

# The tests package takes about 18 minutes on a quiet 2-core machine (the
# examples on every target, resumed, and over MPI ranks); go test's default
# limit of 10 minutes per package is too short, so the limit is raised
# (CI allows 30 minutes in all).
test: deps lint
	$(GO) test -timeout 25m ./...

# Installs the system packages the tests need (Debian, as root).
deps:
	@./tests/install-deps.sh

# The tree checks itself: go mod tidy -diff, gofmt -l, go vet and
# staticcheck (pinned; installed with go install when missing). It prints
# the checks that failed.
lint:
	@GO="$(GO)" ./tests/lint.sh

# Checks every example model with the command-line tool.
check-examples:
	$(GO) run ./cmd/snnc check examples/*.snn

# Fuzzes the front end (parser and checker) for FUZZTIME.
FUZZTIME ?= 5m
fuzz:
	$(GO) test ./lang -run '^$$' -fuzz FuzzCheck -fuzztime $(FUZZTIME)

# The front end on a generated 1 MB model, and the interpreter on CUBA
# (neuron updates and synaptic events per second); tests/bench/interp.sh
# compares the interpreter with Brian2.
bench:
	$(GO) test ./lang -run '^$$' -bench . -benchtime 5x
	$(GO) test ./tests -run '^$$' -bench InterpCUBA -count 5

# Runs snnc's random differential tester (tests/difftest) on N generated
# models from SEED (default: from the clock; printed, so that a run can be
# repeated). Failing models are saved in difftest-failures/ with the
# command that reproduces each.
N ?= 20
SEED ?=
difftest:
	$(GO) run ./tests/difftest/cmd/difftest -n $(N) $(if $(SEED),-seed $(SEED))
