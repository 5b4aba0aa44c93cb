/// `authctl completion bash|zsh|fish`: the completion script, generated from `commands`.
func runCompletion(_ ctx: Context) throws {
  switch ctx.invocation.arguments[0] {
  case "bash": ctx.out.write(CompletionScript.bash())
  case "zsh": ctx.out.write(CompletionScript.zsh())
  default: ctx.out.write(CompletionScript.fish())
  }
}
