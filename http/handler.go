package http

import (
	"context"
	"net/http"
)

// The adapters below turn a service method into a handler for the common
// shapes of endpoint, so that each such endpoint is one line in routes.go.

// create decodes an In from the body, calls f and answers its result with status.
func create[In, Out any](s *Server, status int, f func(context.Context, In) (Out, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := body[In](s, r)
		if err != nil {
			return err
		}
		out, err := f(r.Context(), in)
		if err != nil {
			return err
		}
		writeJSON(w, status, out)
		return nil
	}
}

// byID calls f with the {id} of the path and answers its result.
func byID[Out any](f func(context.Context, int64) (Out, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		out, err := f(r.Context(), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

// updateByID calls f with the {id} of the path and an In decoded from the body.
func updateByID[In, Out any](s *Server, f func(context.Context, int64, In) (Out, error)) func(http.ResponseWriter, *http.Request) error {
	return createByID(s, http.StatusOK, f)
}

// createByID is updateByID answering with status.
func createByID[In, Out any](s *Server, status int, f func(context.Context, int64, In) (Out, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		in, err := body[In](s, r)
		if err != nil {
			return err
		}
		out, err := f(r.Context(), id, in)
		if err != nil {
			return err
		}
		writeJSON(w, status, out)
		return nil
	}
}
