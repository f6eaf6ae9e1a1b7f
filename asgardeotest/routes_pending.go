package asgardeotest

// Endpoint families registered by their own files.
