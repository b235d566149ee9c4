//! Pictures of a network against its target (SVG). Under construction.
