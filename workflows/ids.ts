// Workflow ids derived from what they process, so starting the same month twice is refused.
export const pipelineWorkflowId = (month: string) => `ctr-pipeline-${month}`;
