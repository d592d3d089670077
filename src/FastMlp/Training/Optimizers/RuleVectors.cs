// A rule's scalars broadcast once per update, before its loop (IUpdateRule.Broadcast). A local of this type
// is promoted by the JIT to registers, one per field, so the loop body reads none of them from memory; a rule
// read through a reference instead had every scalar reloaded and re-broadcast per register, since the
// stores through the buffers might alias it (Adam's flat update ran 21-28% slower so). What each field holds
// is the rule's own choice, named at its Broadcast; unused ones stay zero.
namespace FastMlp;

internal struct RuleVectors<TVector>
    where TVector : struct
{
    public TVector K0, K1, K2, K3, K4, K5, K6, K7, K8;
}
