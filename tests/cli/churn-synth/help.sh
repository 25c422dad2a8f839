churn-synth --help
