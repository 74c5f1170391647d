// Package web holds the browser app, built by Vite into web/dist and embedded
// into the server binary so that one file is all a deployment needs.
package web

import (
	"embed"
	"io/fs"
)

// dist always holds at least .keep, so the server compiles before the first
// web build; the server says so when index.html is missing.
//
//go:embed all:dist
var dist embed.FS

// Dist returns the built web app (the contents of web/dist).
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // cannot happen: "dist" is a literal, valid path
	}
	return sub
}
