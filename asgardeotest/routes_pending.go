package asgardeotest

// Endpoint families registered by their own files.
func (s *Server) routesApplications() {}
func (s *Server) routesAPIResources() {}
func (s *Server) routesRoles()        {}
