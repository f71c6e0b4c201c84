package api

import "net/http"

func (s *Server) auditRoutes(mux *http.ServeMux) {}
