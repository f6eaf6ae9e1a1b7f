package asgardeo

import (
	"context"
	"net/http"
)

// Response is the HTTP answer of one call, for callers who want more than
// the decoded result: the status and the headers (for example Asgardeo's
// rate-limit or correlation headers). Failed calls carry the same on their
// error ([ResponseInfo]); use [CaptureResponse] to see it on success.
type Response struct {
	// StatusCode is the HTTP status of the last attempt.
	StatusCode int
	// Header holds the response headers of the last attempt.
	Header http.Header
}

type captureKey struct{}

// CaptureResponse returns a context whose calls record their HTTP answer in
// dst: every management call, introspection and revocation made with it
// sets *dst to its last attempt's status and headers once an answer
// arrives, whether the call then succeeds or fails. Token requests made
// through golang.org/x/oauth2 (the standard grants) are not recorded. dst
// must not be shared by calls running at the same time.
//
//	var resp asgardeo.Response
//	app, err := org.Applications().Get(asgardeo.CaptureResponse(ctx, &resp), id)
//	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
func CaptureResponse(ctx context.Context, dst *Response) context.Context {
	return context.WithValue(ctx, captureKey{}, dst)
}

// capture records resp in the Response the context asks for, if any.
func capture(ctx context.Context, resp *http.Response) {
	if dst, ok := ctx.Value(captureKey{}).(*Response); ok && dst != nil {
		*dst = Response{StatusCode: resp.StatusCode, Header: resp.Header.Clone()}
	}
}
