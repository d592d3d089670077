// One optimizer's elementwise update, written once (the activations' operator-struct pattern, IGemmLanes for
// the width): the flat driver (UpdateDriver.cs) runs it over the whole buffer on Vector512, Vector256 and
// one-float lanes. A rule holds its per-step scalars and broadcasts them once per loop (RuleVectors); the
// JIT compiles Apply into each loop per rule and width, so no call or branch on the optimizer's kind is left inside. Every operation is one correctly rounded
// IGemmLanes step, so an element's result does not depend on the width or the place that computed it.
namespace FastMlp;

internal interface IUpdateRule
{
    /// <summary>How many state buffers parallel to the parameters the rule reads and writes: 0, 1 or 2.</summary>
    static abstract int States { get; }

    /// <summary>The rule's scalars broadcast to <typeparamref name="TVector"/>, for <see cref="Apply"/>.</summary>
    RuleVectors<TVector> Broadcast<TLanes, TVector>()
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct;

    /// <summary>
    /// The new parameters from the gradient <paramref name="g"/> and the parameters <paramref name="p"/>; updates the
    /// state values in place from the rule's broadcast scalars <paramref name="k"/> (the ones past <see cref="States"/> are neither read nor written).
    /// </summary>
    static abstract TVector Apply<TLanes, TVector>(in RuleVectors<TVector> k, TVector g, TVector p, ref TVector first, ref TVector second)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct;
}
