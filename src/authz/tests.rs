//! Tests of the authorizer: denial texts and the keys it builds.
