#!/bin/sh
# The tree checks itself (make lint, which make test runs first): go.mod and
# go.sum tidy, every Go file gofmt'd, go vet and staticcheck clean. Every
# check runs; the ones that failed are listed at the end, and the status is
# 1 if any did. staticcheck is the pinned version below: from PATH or
# $(go env GOPATH)/bin when that is the version there, else installed there
# with go install (which needs the module proxy, or the module in the
# module cache).
set -u
cd "$(dirname "$0")/.."

GO=${GO:-go}
STATICCHECK=honnef.co/go/tools/cmd/staticcheck
STATICCHECK_VERSION=0.8.2

failed=""
fail() {
	failed="$failed
  $1"
}

echo "lint: go mod tidy -diff"
if ! $GO mod tidy -diff; then
	fail "go mod tidy -diff: go.mod or go.sum is not what go mod tidy writes; run go mod tidy"
fi

# The project's Go files; testdata (inputs of tests, which may be
# deliberately malformed) and hidden directories are not the project's code.
echo "lint: gofmt -l"
unformatted=$(find . -path './.*' -prune -o -name testdata -prune -o -name '*.go' -print | sort | xargs gofmt -l)
if [ -n "$unformatted" ]; then
	printf '%s\n' "$unformatted"
	fail "gofmt -l: these files are not gofmt'd (run gofmt -w on them): $(echo $unformatted)"
fi

echo "lint: go vet ./..."
if ! $GO vet ./...; then
	fail "go vet ./... reported the problems above"
fi

# staticcheck_at prints the path of staticcheck in dir $1 (or on PATH when
# $1 is empty) if it is the pinned version.
staticcheck_at() {
	if [ -z "$1" ]; then
		p=$(command -v staticcheck 2>/dev/null) || return 1
	else
		p=$1/staticcheck
		[ -x "$p" ] || return 1
	fi
	case $("$p" -version 2>/dev/null) in
	*"($STATICCHECK_VERSION)"*) echo "$p" ;;
	*) return 1 ;;
	esac
}

echo "lint: staticcheck ./..."
gobin=$($GO env GOBIN)
[ -n "$gobin" ] || gobin=$($GO env GOPATH | cut -d: -f1)/bin
sc=$(staticcheck_at "") || sc=$(staticcheck_at "$gobin") || sc=""
if [ -z "$sc" ]; then
	echo "lint: installing staticcheck v$STATICCHECK_VERSION into $gobin"
	if $GO install "$STATICCHECK@v$STATICCHECK_VERSION"; then
		sc=$(staticcheck_at "$gobin") || sc=""
	fi
fi
if [ -z "$sc" ]; then
	fail "staticcheck: v$STATICCHECK_VERSION is not on PATH nor in $gobin, and go install $STATICCHECK@v$STATICCHECK_VERSION failed (offline? install it where the module proxy can be reached, or copy the binary into $gobin)"
elif ! "$sc" ./...; then
	fail "staticcheck ./... reported the problems above"
fi

if [ -n "$failed" ]; then
	echo "lint: FAILED:$failed" >&2
	exit 1
fi
echo "lint: ok"
