# Trailmark — the two front-door commands are `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin/trailmark
DATA_DIR ?= ./data
export CGO_ENABLED ?= 0

.PHONY: all run build build-go spa test test-go test-fuzz test-web test-e2e screenshots generate check-generate migration bench clean

all: build

## run: build the SPA and the server, start on SQLite with a demo tenant
run: build
	TRAILMARK_DEMO=$${TRAILMARK_DEMO:-1} TRAILMARK_DATA_DIR=$(DATA_DIR) ./$(BIN) serve

## build: the SPA (embedded) and the server binary
build: spa build-go

build-go:
	$(GO) build -o $(BIN) .

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

spa: node_modules/.package-lock.json
	npm run build

## test: every test — Go on SQLite and PostgreSQL, filter fuzzing, SPA units, browser end-to-end
test: test-go test-fuzz test-web test-e2e

test-go:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

test-fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 15s ./internal/filter

test-web: node_modules/.package-lock.json
	npm test

test-e2e: build
	npm run e2e

## screenshots: run the browser tests and refresh the two screenshots in docs/images
screenshots: test-e2e
	npm run screenshots

## generate: ent + gqlgen, then the SPA's GraphQL types
generate:
	$(GO) generate ./...
	npm run codegen

## check-generate: generated code is committed and reproducible
check-generate: node_modules/.package-lock.json
	$(GO) generate ./...
	npm run codegen
	@git diff --exit-code --stat || (echo "generated code is out of date: run make generate and commit" >&2; exit 1)
	@test -z "$$(git status --porcelain --untracked-files=all -- ent graph frontend/src/gql)" || (git status --porcelain -- ent graph frontend/src/gql; echo "untracked generated files" >&2; exit 1)

## migration NAME=x: write a new versioned migration for both dialects from the ent schema
migration:
	@test -n "$(NAME)" || (echo "usage: make migration NAME=add_something" >&2; exit 2)
	$(GO) run ./ent/migrate/gen $(NAME)

## bench: load 1M entries into PostgreSQL and measure the API (not part of make test)
bench: build-go
	$(GO) run ./bench

clean:
	rm -rf bin frontend/dist/assets frontend/dist/index.html
