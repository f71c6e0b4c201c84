package api

import "net/http"

func (s *Server) topicOpRoutes(mux *http.ServeMux) {}
