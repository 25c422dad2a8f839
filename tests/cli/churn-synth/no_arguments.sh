churn-synth
