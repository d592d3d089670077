// What /predict writes, as named types with source-generated serializers: NativeAOT (the publish README "Cold
// start" recommends) has no reflection-based JSON, and anonymous types have no generated metadata, so every answer
// was a 500 there. ServeApp makes this context the only resolver, so a type it lacks fails in the tests as well.
using System.Text.Json.Serialization;

namespace FastMlp.Serve;

/// <summary>The answer: each row's outputs and its class (the index of its largest output).</summary>
internal sealed record PredictResponse(float[][] Outputs, int[] Classes);

/// <summary>A 400's body: why the request was refused.</summary>
internal sealed record ErrorResponse(string Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PredictResponse))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class ServeJsonContext : JsonSerializerContext;
