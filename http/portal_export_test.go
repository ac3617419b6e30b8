package http

// SetSitemapMax makes the server's sitemaps hold n URLs each, so that a
// test sees the sitemap index without 50,000 entries.
func (s *Server) SetSitemapMax(n int) { s.sitemapMax = n }
