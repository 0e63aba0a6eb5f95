package catalog

// The embedded data files and version_gen.go are generated from the npm packages pinned in
// tools/catalog-gen/package-lock.json. `go generate ./internal/catalog/...` installs exactly
// those versions (npm ci) and regenerates every file; the build and the tests need neither npm
// nor a network because the generated files are committed.

//go:generate npm ci --prefix ../../tools/catalog-gen --ignore-scripts --no-audit --no-fund --loglevel=error
//go:generate go run ../../tools/catalog-gen -modules ../../tools/catalog-gen/node_modules -out . -notice ../../NOTICE
