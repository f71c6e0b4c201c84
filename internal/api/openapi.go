package api

import (
	_ "embed"
	"net/http"
)

// openAPI is the OpenAPI 3 description of this API; TestOpenAPIMatchesRoutes keeps it and
// routes.go in step.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openAPI)
	}
}
