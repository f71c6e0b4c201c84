package api

import "net/http"

func (s *Server) groupOpRoutes(mux *http.ServeMux) {}
