// What an update kernel reports of the values it wrote, for the Trainer's update guard: max |p| over the
// parameters and max |s| over each state buffer after the step (Magnitude: +∞ or NaN as soon as one
// value is not finite; 0 for a buffer the optimizer does not have).
namespace FastMlp;

/// <summary>max |p| and max |s| of the first and second state buffers, after one update.</summary>
internal readonly record struct UpdateMagnitudes(float Parameters, float First, float Second);
