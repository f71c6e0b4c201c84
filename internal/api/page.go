package api

import (
	"net/http"
	"strconv"
	"strings"
)

// page is a list request: filter, sort and window.
type page struct {
	Q      string
	Sort   string
	Desc   bool
	Limit  int
	Offset int
}

const maxLimit = 1000

// parsePage reads q, sort, order, limit and offset; sorts must be one of allowed (the first
// is the default).
func parsePage(r *http.Request, allowed ...string) (page, error) {
	v := r.URL.Query()
	p := page{Q: strings.ToLower(v.Get("q")), Sort: allowed[0], Limit: 100}
	if s := v.Get("sort"); s != "" {
		ok := false
		for _, a := range allowed {
			ok = ok || a == s
		}
		if !ok {
			return p, errorf(KindBadRequest, "sort must be one of: "+strings.Join(allowed, ", "))
		}
		p.Sort = s
	}
	switch v.Get("order") {
	case "", "asc":
	case "desc":
		p.Desc = true
	default:
		return p, errorf(KindBadRequest, "order must be asc or desc")
	}
	var err error
	if s := v.Get("limit"); s != "" {
		if p.Limit, err = strconv.Atoi(s); err != nil || p.Limit < 1 || p.Limit > maxLimit {
			return p, errorf(KindBadRequest, "limit must be an integer from 1 to "+strconv.Itoa(maxLimit))
		}
	}
	if s := v.Get("offset"); s != "" {
		if p.Offset, err = strconv.Atoi(s); err != nil || p.Offset < 0 {
			return p, errorf(KindBadRequest, "offset must be a non-negative integer")
		}
	}
	return p, nil
}

// window cuts the sorted items to the page.
func window[T any](items []T, p page) []T {
	if p.Offset >= len(items) {
		return []T{}
	}
	return items[p.Offset:min(len(items), p.Offset+p.Limit)]
}

type listResponse[T any] struct {
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
	Items  []T `json:"items"`
}
